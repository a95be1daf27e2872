// The docker CLI reference's classic examples (rename, commit -c, inspect/info/version --format), each compared
// with what docker 20.10 prints for the same steps (texts recorded from the real client against dockerd).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

describe('CLI reference examples', { skip: skipUnlessRoot }, () => {
  const d = new TestDaemon('wharf-ref');
  before(async () => { await d.start(); d.importBusybox('busybox:latest'); });
  after(() => d.cleanup());

  it('rename onto a taken name: dockerd\'s "Error when allocating new name"', () => {
    const a = ok(d.wharf(['create', '--name', 'ref-a', 'busybox', 'true'])).trim();
    ok(d.wharf(['create', '--name', 'ref-b', 'busybox', 'true']));
    const r = d.wharf(['rename', 'ref-b', 'ref-a']);
    assert.equal(r.stderr, `Error response from daemon: Error when allocating new name: Conflict. The container name "/ref-a" is already in use by container "${a}". You have to remove (or rename) that container to be able to reuse that name.\nError: failed to rename container named ref-b\n`);
    assert.equal(r.code, 1);
    ok(d.wharf(['rename', 'ref-b', 'ref-c']));
    assert.equal(ok(d.wharf(['inspect', '-f', '{{.Name}}', 'ref-c'])), '/ref-c\n');
  });

  it('commit: history names the container\'s command; a commit that changed nothing adds no layer', () => {
    ok(d.wharf(['run', '--name', 'ref-w', 'busybox', 'sh', '-c', 'echo x > /f']));
    ok(d.wharf(['commit', '-c', 'CMD ["cat","/f"]', '-m', 'a msg', 'ref-w', 'ref-img:1']));
    assert.equal(ok(d.wharf(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'ref-img:1'])).split('\n')[0], 'sh -c echo x > /f|a msg');
    assert.equal(ok(d.wharf(['run', '--rm', 'ref-img:1'])), 'x\n');
    const base = ok(d.wharf(['inspect', '-f', '{{len .RootFS.Layers}}', 'busybox'])).trim();
    ok(d.wharf(['create', '--name', 'ref-e', 'busybox', 'true']));
    ok(d.wharf(['commit', 'ref-e', 'ref-img:empty']));
    assert.equal(ok(d.wharf(['inspect', '-f', '{{len .RootFS.Layers}}', 'ref-img:empty'])).trim(), base);
    assert.equal(ok(d.wharf(['history', '--format', '{{.CreatedBy}}|{{.Size}}', 'ref-img:empty'])).split('\n')[0], 'true|0B');
  });

  it('images REPOSITORY filter lists only the names it matches; VirtualSize has 4 digits, Size 3', () => {
    ok(d.wharf(['tag', 'busybox', 'ref-other:1']));
    assert.equal(ok(d.wharf(['images', 'busybox', '--format', '{{.Repository}}:{{.Tag}}'])), 'busybox:latest\n');
    assert.equal(ok(d.docker(['images', 'ref-oth*', '--format', '{{.Repository}}:{{.Tag}}'])), 'ref-other:1\n');
    const bytes = Number(ok(d.wharf(['image', 'inspect', '-f', '{{.Size}}', 'busybox'])));
    const mb = (digits: number) => `${Number((bytes / 1e6).toPrecision(digits))}MB`;
    assert.equal(ok(d.wharf(['images', 'busybox', '--format', '{{.Size}} {{.VirtualSize}}'])), `${mb(3)} ${mb(4)}\n`);
  });

  it('inspect --format sees Go\'s typed values first, then the raw JSON with missingkey=error', () => {
    ok(d.wharf(['run', '-d', '--name', 'ref-i', '-p', '80', '-v', '/data', 'busybox', 'sleep', '60']));
    const f = (tmpl: string, cmd = ['inspect'], ref = 'ref-i') => d.wharf([...cmd, '-f', tmpl, ref]);
    assert.equal(ok(f('{{.HostConfig.RestartPolicy}}|{{.HostConfig.Binds}}|{{json .HostConfig.Binds}}|{{.Config.Entrypoint}}')), '{no 0}|[]|null|[]\n');
    assert.equal(ok(f('{{.Config.ExposedPorts}}|{{.Config.Volumes}}|{{.State.Health}}|{{.Config.Healthcheck}}|{{.Config.StopSignal}}|{{.SizeRw}}|{{.HostConfig.Tmpfs}}')), 'map[80/tcp:{}]|map[/data:{}]|<nil>|<nil>||<nil>|map[]\n');
    assert.equal(ok(f('{{.HostConfig.PortBindings}}')), 'map[80/tcp:[{ }]]\n');
    assert.match(ok(f('{{.State}}')), /^\{running true false false false false \d+ 0  \S+ \S+ <nil>\}\n$/);
    assert.match(ok(f('{{(index .Mounts 0)}}')), /^\{volume [0-9a-f]{64} \S+ \/data local  true \}\n$/);
    let r = f('{{.Nope}}');
    assert.deepEqual([r.stdout, r.stderr, r.code], ['\n', 'template parsing error: template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"\n', 1]);
    r = f('{{.State.Health.Status}}');
    assert.equal(r.stderr, 'template parsing error: template: :1:8: executing "" at <.State.Health.Status>: map has no entry for key "Health"\n');
    assert.equal(ok(f('{{.Config}}', ['image', 'inspect'], 'busybox')), '{   false false false map[] false false false [] [sh] <nil> false  map[]  [] false  [] map[]  <nil> []}\n');
    ok(d.wharf(['volume', 'create', 'ref-v']));
    assert.match(ok(f('{{.}}', ['volume', 'inspect'], 'ref-v')), / map\[\] local map\[\] <nil>\}\n$/);
    r = f('{{.Nope}}', ['volume', 'inspect'], 'ref-v');
    assert.equal(r.stderr, 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type types.Volume\n');
  });

  it('system df -v: the four sections as the docker client prints them; df and images sizes and JSON keys', () => {
    ok(d.wharf(['volume', 'create', 'ref-dfv']));
    ok(d.wharf(['create', '--name', 'ref-df', '-v', 'ref-dfv:/v', 'busybox', 'true']));
    // Times (CREATED, and the running container's "Up ...") move between the two calls.
    const norm = (t: string) => t.replace(/(Less than a second|About an? \w+|\d+ \w+) ago/g, 'X ago')
      .replace(/Up (Less than a second|About an? \w+|\d+ \w+)/g, 'Up X').replace(/ {2,}/g, '  ');
    const mine = ok(d.wharf(['system', 'df', '-v']));
    // The 20.10 client (Debian's /usr/bin/docker); d.docker may be a newer one, whose df -v differs.
    const docker2010 = (args: string[]) => {
      const r = spawnSync('/usr/bin/docker', args, { env: { ...process.env, DOCKER_HOST: d.host } });
      return { stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', code: r.status ?? -1 };
    };
    const has2010 = /^Docker version 20\.10\./.test(docker2010(['--version']).stdout);
    if (has2010) assert.equal(norm(mine), norm(ok(docker2010(['system', 'df', '-v']))));
    assert.match(mine, /^Images space usage:\n\nREPOSITORY +TAG +IMAGE ID +CREATED +SIZE +SHARED SIZE +UNIQUE SIZE +CONTAINERS\n/);
    assert.match(mine, /\n\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n[0-9a-f]{12} +busybox +"true" +1 +0B +/);
    assert.match(mine, /\n\nLocal Volumes space usage:\n\nVOLUME NAME +LINKS +SIZE\n(.*\n)*ref-dfv +1 +0B\n/);
    assert.match(mine, /\n\nBuild cache usage: 0B\n\nCACHE ID +CACHE TYPE +SIZE +CREATED +LAST USED +USAGE +SHARED\n$/);
    const json = (cli: (a: string[]) => { stdout: string; code: number; stderr: string }) => ok(cli(['system', 'df', '--format', '{{json .}}']));
    if (!has2010) return;
    assert.equal(json((a) => d.wharf(a)), json(docker2010));
    const sizes = ['images', '--format', '{{.Size}} {{.SharedSize}} {{.UniqueSize}} {{.VirtualSize}}'];
    assert.equal(ok(d.wharf(sizes)), ok(docker2010(sizes)));
  });

  it('cp and export name owners from the container\'s own passwd and group files, as dockerd\'s chrooted tar does', () => {
    ok(d.wharf(['run', '--name', 'ref-own', 'busybox', 'sh', '-c', 'touch /u0 /u1000; chown 1000:1000 /u1000']));
    const owner = (tar: string) => [tar.slice(265, 297).replace(/\0.*$/s, ''), tar.slice(297, 329).replace(/\0.*$/s, '')].join('/');
    assert.equal(owner(ok(d.wharf(['cp', 'ref-own:/u0', '-']))), 'root/root');
    assert.equal(owner(ok(d.wharf(['cp', 'ref-own:/u1000', '-']))), '/'); // the container names no uid 1000
  });

  it('--format: Go struct fields, parse errors exit 64, execution errors keep the output and exit 1', () => {
    assert.equal(ok(d.wharf(['version', '--format', '{{.Server.APIVersion}} {{.Client.APIVersion}} {{json .Server.ApiVersion}}'])), '1.41 1.41 "1.41"\n');
    let r = d.wharf(['version', '--format', '{{.Nope}}']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['\n', 'template: version:1:2: executing "version" at <.Nope>: can\'t evaluate field Nope in type system.versionInfo\n', 1]);
    r = d.wharf(['version', '--format', '{{']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'template parsing error: template: version:1: unclosed action\n', 64]);
    r = d.wharf(['info', '--format', '{{.Nope}}']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['\n', 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type system.info\n', 1]);
    r = d.wharf(['info', '--format', '{{']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'template parsing error: template: :1: unclosed action\n', 64]);
    assert.equal(ok(d.wharf(['info', '--format', '{{json .ClientInfo}}|{{.ClientErrors}}|{{.OSType}}'])), '{"Debug":false,"Context":"default","Plugins":[],"Warnings":null}|[]|linux\n');
    r = d.wharf(['inspect', '--format', '{{', 'busybox']);
    assert.deepEqual([r.stdout, r.stderr, r.code], ['', 'template parsing error: template: :1: unclosed action\n', 64]);
  });
});
