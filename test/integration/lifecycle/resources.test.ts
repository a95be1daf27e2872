// Resources and run options: --init, --ulimit, --device, --sysctl, --security-opt, --oom-kill-disable,
// --group-add, --cgroup-parent, --stop-signal/--stop-timeout, OOM kills, update (runc update), stats
// (API and CLI), top with ps options — each checked in the kernel's view of the container.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { TestDaemon, dockerClient, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-resources');

before(async () => {
  if (skipUnlessRoot) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

const inspect = (name: string, fmt: string) => ok(d.wharf(['inspect', '-f', fmt, name])).trim();
const cgroup = (controller: string, id: string, file: string, parent = 'wharf') => readFileSync(`/sys/fs/cgroup/${controller}/${parent}/${id}/${file}`, 'utf8').trim();
const v1 = !existsSync('/sys/fs/cgroup/cgroup.controllers');

function getJson(path: string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    request({ socketPath: d.socket, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (err) { reject(new Error(`${res.statusCode}: ${body}`)); } });
    }).on('error', reject).end();
  });
}

test('--init, --ulimit, --device, --sysctl, --group-add, --security-opt reach the process', { skip: skipUnlessRoot }, () => {
  // tini (Debian's tini-static, bind-mounted as /sbin/docker-init) is PID 1 and the command its child.
  const [comm, shPid] = ok(d.wharf(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/comm; echo $$'])).split('\n');
  assert.equal(comm, 'docker-init');
  assert.notEqual(shPid, '1');
  assert.equal(ok(d.wharf(['run', '--rm', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=100', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u'])), '1024\n2048\n100\n');
  const tooHigh = d.wharf(['run', '--rm', '--ulimit', 'nofile=2000000:2000000', 'busybox', 'true']);
  assert.equal(tooHigh.code, 125);
  assert.match(tooHigh.stderr, /ulimit nofile=2000000:2000000 is above the host's hard limit of \d+ open files \(fs\.nr_open\)/);
  const softOverHard = d.wharf(['run', '--rm', '--ulimit', 'nofile=20:10', 'busybox', 'true']);
  assert.equal(softOverHard.stderr.split('\n')[0], 'invalid argument "nofile=20:10" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 20 > 10');
  assert.equal(ok(d.wharf(['run', '--rm', '--device', '/dev/null:/dev/xnull:rw', 'busybox', 'sh', '-c', 'stat -c "%t,%T %F" /dev/xnull; echo x > /dev/xnull && echo wrote'])), '1,3 character special file\nwrote\n');
  // Without the device rule the same node is refused by the device cgroup.
  assert.notEqual(d.wharf(['run', '--rm', '--cap-add', 'MKNOD', 'busybox', 'sh', '-c', 'mknod /tmp/n b 7 0 && head -c1 /tmp/n']).code, 0);
  assert.equal(ok(d.wharf(['run', '--rm', '--network', 'none', '--sysctl', 'net.ipv4.ip_forward=1', 'busybox', 'cat', '/proc/sys/net/ipv4/ip_forward'])), '1\n');
  assert.equal(ok(d.wharf(['run', '--rm', '--group-add', '10', '--group-add', '1234', 'busybox', 'id', '-G'])), '0 10 1234\n');
  assert.equal(ok(d.wharf(['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status'])), 'NoNewPrivs:\t1\n');
  assert.equal(ok(d.wharf(['run', '--rm', '--security-opt', 'seccomp=unconfined', 'busybox', 'grep', 'Seccomp:', '/proc/self/status'])), 'Seccomp:\t0\n');
  const profile = join(d.dir, 'profile.json');
  writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }, null, 2));
  const denied = d.wharf(['run', '--rm', '--security-opt', `seccomp=${profile}`, 'busybox', 'mkdir', '/tmp/x']);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /Operation not permitted/);
});

test('--oom-kill-disable, --cgroup-parent, --stop-signal, --stop-timeout', { skip: skipUnlessRoot || !v1 ? 'needs root and cgroup v1 controllers' : false }, () => {
  const id = ok(d.wharf(['run', '-d', '--oom-kill-disable', '-m', '32m', '--cgroup-parent', '/wharf-res-test', '--stop-signal', 'SIGUSR1', '--stop-timeout', '1', 'busybox', 'sleep', '300'])).trim();
  assert.match(cgroup('memory', id, 'memory.oom_control', 'wharf-res-test'), /^oom_kill_disable 1/m);
  assert.equal(cgroup('memory', id, 'memory.limit_in_bytes', 'wharf-res-test'), String(32 << 20));
  assert.equal(inspect(id, '{{.Config.StopSignal}} {{.Config.StopTimeout}} {{.HostConfig.OomKillDisable}} {{.HostConfig.CgroupParent}}'), 'SIGUSR1 1 true /wharf-res-test');
  const start = Date.now();
  ok(d.wharf(['stop', id]));
  // sleep as PID 1 has no handler, so the kernel ignores SIGUSR1: the SIGKILL comes after the 1 s timeout.
  const took = Date.now() - start;
  assert.equal(inspect(id, '{{.State.ExitCode}}'), '137');
  assert.ok(took >= 900 && took < 5000, `stop took ${took} ms`);
  ok(d.wharf(['rm', id]));
});

test('an OOM kill is reported: exit 137, OOMKilled, an oom event', { skip: skipUnlessRoot }, () => {
  const since = String(Math.floor(Date.now() / 1000));
  const r = d.wharf(['run', '--name', 'res-oom', '-m', '8m', '--memory-swap', '8m', 'busybox', 'sh', '-c', 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done']);
  assert.equal(r.code, 137);
  assert.equal(inspect('res-oom', '{{.State.OOMKilled}} {{.State.ExitCode}}'), 'true 137');
  const actions = ok(d.wharf(['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000)), '--filter', 'container=res-oom', '--format', '{{.Action}}'])).split('\n');
  assert.ok(actions.indexOf('oom') >= 0 && actions.indexOf('oom') < actions.indexOf('die'), actions.join(','));
  ok(d.wharf(['rm', 'res-oom']));
});

test('update changes limits of a running container (runc update) and its restart policy', { skip: skipUnlessRoot || !v1 ? 'needs root and cgroup v1 controllers' : false }, () => {
  const id = ok(d.wharf(['run', '-d', '--name', 'res-up', '-m', '20m', 'busybox', 'sleep', '300'])).trim();
  assert.equal(ok(d.wharf(['update', '-m', '30m', '--memory-swap', '60m', '--cpus', '0.5', '--pids-limit', '20', '--restart', 'on-failure:2', 'res-up'])), 'res-up\n');
  assert.equal(cgroup('memory', id, 'memory.limit_in_bytes'), String(30 << 20));
  assert.equal(cgroup('pids', id, 'pids.max'), '20');
  assert.equal(cgroup('cpu', id, 'cpu.cfs_quota_us'), '50000');
  assert.equal(inspect('res-up', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}'),
    `${30 << 20} ${60 << 20} 500000000 20 on-failure:2`);
  const tooBig = d.wharf(['update', '-m', '100m', 'res-up']);
  assert.equal(tooBig.code, 1);
  assert.equal(tooBig.stderr, `Error response from daemon: Cannot update container ${id}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time\n`);
  const none = d.wharf(['update', 'res-up']);
  assert.deepEqual([none.code, none.stderr], [1, 'you must provide one or more flags when using this command\n']);
  ok(d.wharf(['rm', '-f', 'res-up']));
});

test('stats: the API from the cgroup, --no-stream table and --format, one-shot, stopped containers', { skip: skipUnlessRoot }, async () => {
  const id = ok(d.wharf(['run', '-d', '--name', 'res-stats', '-m', '64m', '--pids-limit', '10', 'busybox', 'sh', '-c', 'while true; do :; done'])).trim();
  const one = await getJson(`/containers/res-stats/stats?stream=false&one-shot=true`);
  assert.equal(one.preread, '0001-01-01T00:00:00Z');
  assert.deepEqual(Object.keys(one).slice(0, 11), ['read', 'preread', 'pids_stats', 'blkio_stats', 'num_procs', 'storage_stats', 'cpu_stats', 'precpu_stats', 'memory_stats', 'name', 'id']);
  assert.deepEqual(one.pids_stats, { current: 1, limit: 10 });
  assert.equal(one.memory_stats.limit, 64 << 20);
  assert.equal(one.name, '/res-stats');
  const primed = await getJson(`/containers/${id}/stats?stream=false`);
  assert.notEqual(primed.preread, '0001-01-01T00:00:00Z', 'stream=false sends a second sample with precpu');
  const busy = (primed.cpu_stats.cpu_usage.total_usage - primed.precpu_stats.cpu_usage.total_usage) / (primed.cpu_stats.system_cpu_usage - primed.precpu_stats.system_cpu_usage) * primed.cpu_stats.online_cpus * 100;
  assert.ok(busy > 3, `a busy loop uses CPU (${busy}%)`);
  const table = ok(d.wharf(['stats', '--no-stream', 'res-stats'])).split('\n');
  assert.match(table[0]!, /^CONTAINER ID   NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
  assert.match(table[1]!, new RegExp(`^${id.slice(0, 12)}   res-stats   \\d+\\.\\d\\d%\\s+[\\d.]+[KM]iB / 64MiB\\s+\\d+\\.\\d\\d%\\s+\\S+ / \\S+\\s+\\S+ / \\S+\\s+1$`));
  assert.match(ok(d.wharf(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}} {{.Container}}', id.slice(0, 8)])), new RegExp(`^res-stats 1 ${id.slice(0, 8)}\\n$`));
  ok(d.wharf(['stop', '-t', '0', 'res-stats']));
  const stopped = await getJson(`/containers/res-stats/stats?stream=false`);
  assert.deepEqual([stopped.read, stopped.memory_stats, stopped.pids_stats], ['0001-01-01T00:00:00Z', {}, {}]);
  const missing = d.wharf(['stats', '--no-stream', 'res-nope']);
  assert.deepEqual([missing.code, missing.stderr], [1, 'Error response from daemon: No such container: res-nope\n']);
  ok(d.wharf(['rm', 'res-stats']));
});

test('top with ps options, and stats/update through the docker client', { skip: skipUnlessRoot || !dockerClient() ? 'needs root and a docker client' : false }, () => {
  ok(d.docker(['run', '-d', '--name', 'res-docker', 'busybox', 'sleep', '300']));
  const top = ok(d.docker(['top', 'res-docker', '-o', 'pid,comm'])).split('\n');
  assert.match(top[0]!, /^PID\s+COMMAND$/);
  assert.match(top[1]!, /^\d+\s+sleep$/);
  assert.match(ok(d.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'res-docker'])), /^res-docker 1\n$/);
  assert.equal(ok(d.docker(['update', '--pids-limit', '7', 'res-docker'])), 'res-docker\n');
  assert.equal(ok(d.docker(['inspect', '-f', '{{.HostConfig.PidsLimit}}', 'res-docker'])), '7\n');
  ok(d.docker(['rm', '-f', 'res-docker']));
});
