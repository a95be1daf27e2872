import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { defaultProfile } from './generated/seccomp-default.js';
import { convertSeccompProfile, kernelAtLeast } from './seccomp.js';
import { DEFAULT_CAPS } from './caps.js';

/** [first name, action, args?] per emitted group: the shape of the OCI seccomp object for this case. */
function shape(caps: readonly string[], arch: string, kernel: string): string[] {
  const s = convertSeccompProfile(defaultProfile, { caps, arch, kernel });
  return s.syscalls!.map((r) => [r.names[0], r.names.length, r.action, r.errnoRet ?? '', JSON.stringify(r.args ?? '')].join(' '));
}

test('golden: Docker defaults on amd64, kernel 6.1', () => {
  const s = convertSeccompProfile(defaultProfile, { caps: DEFAULT_CAPS, arch: 'amd64', kernel: '6.1.0-18-amd64' });
  assert.equal(s.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.defaultErrnoRet, 1);
  assert.deepEqual(s.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(shape(DEFAULT_CAPS, 'amd64', '6.1.0'), [
    'accept 361 SCMP_ACT_ALLOW  ""',
    'process_vm_readv 3 SCMP_ACT_ALLOW  ""',
    'socket 1 SCMP_ACT_ALLOW  [{"index":0,"value":38,"op":"SCMP_CMP_LT"}]',
    'socket 1 SCMP_ACT_ALLOW  [{"index":0,"value":39,"op":"SCMP_CMP_EQ"}]',
    'socket 1 SCMP_ACT_ALLOW  [{"index":0,"value":40,"op":"SCMP_CMP_GT"}]',
    'personality 1 SCMP_ACT_ALLOW  [{"index":0,"value":0,"op":"SCMP_CMP_EQ"}]',
    'personality 1 SCMP_ACT_ALLOW  [{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]',
    'personality 1 SCMP_ACT_ALLOW  [{"index":0,"value":131072,"op":"SCMP_CMP_EQ"}]',
    'personality 1 SCMP_ACT_ALLOW  [{"index":0,"value":131080,"op":"SCMP_CMP_EQ"}]',
    'personality 1 SCMP_ACT_ALLOW  [{"index":0,"value":4294967295,"op":"SCMP_CMP_EQ"}]',
    'arch_prctl 1 SCMP_ACT_ALLOW  ""',
    'modify_ldt 1 SCMP_ACT_ALLOW  ""',
    'clone 1 SCMP_ACT_ALLOW  [{"index":0,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ"}]',
    'clone3 1 SCMP_ACT_ERRNO 38 ""',
    'chroot 1 SCMP_ACT_ALLOW  ""',
  ]);
});

test('capabilities, arch and kernel change which groups apply', () => {
  const admin = shape([...DEFAULT_CAPS, 'CAP_SYS_ADMIN'], 'amd64', '6.1.0');
  assert.ok(admin.some((l) => l.startsWith('bpf 26 SCMP_ACT_ALLOW')));
  assert.ok(!admin.some((l) => l.startsWith('clone ') || l.startsWith('clone3 ')), 'clone filters are excluded with CAP_SYS_ADMIN');
  assert.ok(!shape(DEFAULT_CAPS.filter((c) => c !== 'CAP_SYS_CHROOT'), 'amd64', '6.1').some((l) => l.startsWith('chroot')));
  assert.ok(!shape(DEFAULT_CAPS, 'amd64', '4.4.0').some((l) => l.startsWith('process_vm_readv')), 'ptrace needs kernel 4.8');
  const arm = convertSeccompProfile(defaultProfile, { caps: DEFAULT_CAPS, arch: 'arm64', kernel: '6.1' });
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.ok(arm.syscalls!.some((r) => r.names[0] === 'arm_fadvise64_64'));
  assert.ok(!arm.syscalls!.some((r) => r.names[0] === 'arch_prctl'));
  assert.equal(kernelAtLeast('4.10.2', '4.8'), true);
  assert.equal(kernelAtLeast('3.19', '4.8'), false);
});

const shared = `${process.env.WHARF_SHARED_REF ?? new URL('../../../../../shared/ref', import.meta.url).pathname}/seccomp-default.json`;
test('the committed copy matches ../shared/ref/seccomp-default.json', { skip: existsSync(shared) ? false : 'no ../shared in this checkout' }, () => {
  assert.deepEqual(defaultProfile, JSON.parse(readFileSync(shared, 'utf8')), 'regenerate with src/runtime/oci/generated/README');
});
