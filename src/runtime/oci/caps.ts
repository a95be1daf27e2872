// Capability sets: Docker 20.10's default set and its --cap-add/--cap-drop/--privileged rules
// (moby oci/caps TweakCapabilities).
import { readFileSync } from 'node:fs';
import { InvalidParameter } from '../../errors.js';

/** Docker's default set, in the order moby's oci.DefaultCapabilities lists them (visible in config.json). */
export const DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Every capability by number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE (40), the last runc 1.1 knows. */
export const ALL_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/**
 * The capabilities this process may grant: its own bounding set. Docker uses every capability the kernel
 * knows, which makes `--privileged` fail with "unable to apply caps" when dockerd itself runs with a reduced
 * bounding set (as in many CI sandboxes); granting only what we hold keeps --privileged usable there.
 */
export function grantableCaps(statusText?: string): string[] {
  let text = statusText;
  if (text === undefined) {
    try { text = readFileSync('/proc/self/status', 'utf8'); } catch { return [...ALL_CAPS]; }
  }
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(text);
  if (!m) return [...ALL_CAPS];
  const mask = BigInt(`0x${m[1]}`);
  return ALL_CAPS.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

/** "net_admin", "CAP_NET_ADMIN", "all" -> canonical names; Docker's error for an unknown one. */
export function normalizeCaps(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of list) {
    const up = raw.trim().toUpperCase();
    const name = up === 'ALL' ? 'ALL' : up.startsWith('CAP_') ? up : `CAP_${up}`;
    if (name !== 'ALL' && !ALL_CAPS.includes(name)) throw new InvalidParameter(`invalid CapAdd: unknown capability: "${name}"`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export interface CapOptions { capAdd?: readonly string[]; capDrop?: readonly string[]; privileged?: boolean; grantable?: readonly string[] }

/** moby TweakCapabilities: privileged gets everything; add ALL minus drops; drop ALL keeps only adds. */
export function effectiveCaps(opts: CapOptions): string[] {
  const all = (opts.grantable ?? ALL_CAPS).filter((c) => ALL_CAPS.includes(c));
  if (opts.privileged) return [...all];
  const add = normalizeCaps(opts.capAdd ?? []);
  const drop = normalizeCaps(opts.capDrop ?? []);
  if (add.length === 0 && drop.length === 0) return [...DEFAULT_CAPS];
  if (add.includes('ALL')) return all.filter((c) => !drop.includes(c));
  if (drop.includes('ALL')) return add.filter((c) => c !== 'ALL');
  const kept = DEFAULT_CAPS.filter((c) => !drop.includes(c));
  return [...kept, ...add.filter((c) => !kept.includes(c))];
}
