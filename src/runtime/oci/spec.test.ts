import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isInvalidParameter } from '../../errors.js';
import { buildSpec, DEFAULT_MASKED_PATHS, parseSecurityOpts, type SpecOptions } from './spec.js';
import { DEFAULT_CAPS, effectiveCaps, grantableCaps } from './caps.js';
import { SchemaSet } from './json-schema-lite.js';

const base: SpecOptions = { id: 'abc', rootfs: '/r', args: ['sleep', '100'], env: ['PATH=/bin'], hostname: 'abc', arch: 'x64', kernel: '6.1.0' };

test('defaults match Docker 20.10 config.json', () => {
  const s = buildSpec(base);
  assert.deepEqual(s.process.capabilities.bounding, DEFAULT_CAPS);
  assert.equal(s.process.capabilities.inheritable, undefined);
  assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0] });
  assert.equal(s.process.terminal, undefined);
  assert.equal(s.process.oomScoreAdj, 0);
  assert.deepEqual(s.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
  assert.deepEqual(s.mounts.find((m) => m.destination === '/dev/shm')?.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864']);
  assert.deepEqual(s.mounts.find((m) => m.destination === '/sys')?.options, ['nosuid', 'noexec', 'nodev', 'ro']);
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
  assert.equal(s.linux.cgroupsPath, '/wharf/abc');
  assert.deepEqual(s.linux.maskedPaths, DEFAULT_MASKED_PATHS);
  assert.deepEqual(s.linux.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  assert.deepEqual(s.linux.sysctl, {
    'net.ipv4.ip_unprivileged_port_start': '0', 'net.ipv4.ping_group_range': '0 2147483647',
    'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1',
  });
  assert.equal(s.linux.resources.devices.length, 8);
  assert.deepEqual(s.linux.resources.devices[0], { allow: false, access: 'rwm' });
  assert.deepEqual(s.linux.resources.devices[7], { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' });
  assert.equal(s.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(s.linux.seccomp?.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
});

test('flags: resources, tty, read-only, network, sysctls, ulimits, security opts', () => {
  const s = buildSpec({
    ...base, tty: true, readonlyRootfs: true, network: 'host', domainname: 'ex.com', memory: 64 << 20, nanoCpus: 1.5e9,
    cpuShares: 512, pidsLimit: 50, shmSize: 10 << 20, oomScoreAdj: 100, ulimits: [{ name: 'nofile', soft: 100, hard: 200 }],
    securityOpt: ['no-new-privileges'], cgroupParent: '/custom/', user: { uid: 1000, gid: 1000, additionalGids: [1000, 50] },
    mounts: [{ destination: '/etc/hosts', type: 'bind', source: '/x/hosts', options: ['rbind', 'rprivate'] }],
  });
  assert.equal(s.process.terminal, true);
  assert.equal(s.root.readonly, true);
  assert.deepEqual(s.mounts.at(-1)?.options, ['rbind', 'ro', 'rprivate']);
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['mount', 'uts', 'pid', 'ipc']);
  assert.deepEqual(s.linux.sysctl, { 'kernel.domainname': 'ex.com' });
  assert.deepEqual(s.linux.resources.memory, { disableOOMKiller: false, limit: 67108864, swap: 134217728 });
  assert.deepEqual(s.linux.resources.cpu, { shares: 512, period: 100000, quota: 150000 });
  assert.deepEqual(s.linux.resources.pids, { limit: 50 });
  assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 200, soft: 100 }]);
  assert.equal(s.process.noNewPrivileges, true);
  assert.equal(s.process.oomScoreAdj, 100);
  assert.equal(s.linux.cgroupsPath, '/custom/abc');
  assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes('size=10485760'));
  assert.deepEqual(buildSpec({ ...base, network: { path: '/run/netns/x' } }).linux.namespaces[1], { type: 'network', path: '/run/netns/x' });
  assert.equal(buildSpec({ ...base, memory: 1 << 20, swapAccounting: false }).linux.resources.memory?.swap, undefined);
  assert.equal(buildSpec({ ...base, memory: 1 << 20, memorySwap: -1 }).linux.resources.memory?.swap, -1);
});

test('a caller mount replaces the default at the same destination', () => {
  const s = buildSpec({ ...base, mounts: [{ destination: '/dev/shm', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] }] });
  assert.deepEqual(s.mounts.filter((m) => m.destination === '/dev/shm').map((m) => m.options), [['size=1m']]);
});

test('capabilities: add/drop with or without CAP_, ALL, privileged', () => {
  assert.deepEqual(effectiveCaps({ capAdd: ['net_admin'], capDrop: ['CAP_CHOWN', 'kill'] }),
    [...DEFAULT_CAPS.filter((c) => c !== 'CAP_CHOWN' && c !== 'CAP_KILL'), 'CAP_NET_ADMIN']);
  assert.deepEqual(effectiveCaps({ capDrop: ['ALL'], capAdd: ['chown'] }), ['CAP_CHOWN']);
  const all = effectiveCaps({ capAdd: ['ALL'], capDrop: ['sys_admin'] });
  assert.ok(all.includes('CAP_SYS_PTRACE') && !all.includes('CAP_SYS_ADMIN'));
  assert.throws(() => effectiveCaps({ capAdd: ['bogus'] }), (e: Error) => isInvalidParameter(e) && /unknown capability: "CAP_BOGUS"/.test(e.message));
  const grantable = grantableCaps('CapBnd:\t000001fffeffffff\n');
  assert.ok(!grantable.includes('CAP_SYS_RESOURCE') && grantable.includes('CAP_CHECKPOINT_RESTORE'));
  const p = buildSpec({ ...base, privileged: true, grantableCaps: grantable });
  assert.deepEqual(p.process.capabilities.bounding, grantable);
  assert.equal(p.linux.seccomp, undefined);
  assert.equal(p.linux.maskedPaths, undefined);
  assert.equal(p.linux.readonlyPaths, undefined);
  assert.deepEqual(p.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.deepEqual(p.mounts.find((m) => m.destination === '/sys')?.options, ['nosuid', 'noexec', 'nodev']);
});

test('security options', () => {
  assert.equal(buildSpec({ ...base, securityOpt: ['seccomp=unconfined'] }).linux.seccomp, undefined);
  const custom = buildSpec({ ...base, securityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}'] });
  assert.deepEqual(custom.linux.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  assert.throws(() => parseSecurityOpts(['bogus']), (e: Error) => isInvalidParameter(e) && e.message === 'invalid --security-opt 1: "bogus"');
});

const schemaDir = `${process.env.WHARF_SHARED_REF ?? new URL('../../../../../shared/ref', import.meta.url).pathname}/oci-runtime-schema`;

test('generated config.json validates against the OCI runtime schema', { skip: existsSync(schemaDir) ? false : 'no ../shared/ref/oci-runtime-schema in this checkout' }, () => {
  const schemas = new SchemaSet(schemaDir);
  // The validator itself must accept upstream's good examples and reject the bad ones.
  for (const f of readdirSync(`${schemaDir}/test/config/good`).filter((n) => n.startsWith('linux') || n.startsWith('minimal') || n === 'spec-example.json')) {
    const doc = JSON.parse(readFileSync(`${schemaDir}/test/config/good/${f}`, 'utf8'));
    assert.deepEqual(schemas.validate(doc, 'config-schema.json'), [], f);
  }
  for (const f of ['linux-hugepage.json', 'linux-rdma.json']) {
    const doc = JSON.parse(readFileSync(`${schemaDir}/test/config/bad/${f}`, 'utf8'));
    assert.notDeepEqual(schemas.validate(doc, 'config-schema.json'), [], f);
  }
  const variants: SpecOptions[] = [
    base,
    { ...base, tty: true, privileged: true, memory: 1 << 26, nanoCpus: 5e8, pidsLimit: 10, ulimits: [{ name: 'nofile', soft: 1, hard: 2 }], securityOpt: ['no-new-privileges'] },
    { ...base, capAdd: ['ALL'], network: 'host', readonlyRootfs: true, user: { uid: 1, gid: 2, additionalGids: [2, 3] } },
  ];
  for (const v of variants) assert.deepEqual(schemas.validate(JSON.parse(JSON.stringify(buildSpec(v))), 'config-schema.json'), []);
});
