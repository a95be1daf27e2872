// HostConfig settings that become parts of the OCI spec beyond the basics start.ts passes: --ulimit,
// --device, --group-add, --init, --oom-kill-disable. Each is checked here so a mistake is a clear 400
// before anything starts, instead of runc's message from inside container init.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidParameter } from '../errors.js';
import type { OciDevice } from '../runtime/index.js';
import type { HostConfig } from './types.js';

export interface Ulimit { Name: string; Soft: number; Hard: number }
export interface DeviceMapping { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }
interface DeviceRule { allow: boolean; type: 'a' | 'c' | 'b'; major?: number; minor?: number; access: string }

const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

/** The kernel's ceiling for RLIMIT_NOFILE (fs.nr_open): even root cannot set a hard limit above it. */
function nrOpen(): number {
  try { return Number(readFileSync('/proc/sys/fs/nr_open', 'utf8').trim()) || 1_048_576; } catch { return 1_048_576; }
}

export function checkUlimits(list: Ulimit[] | null | undefined): Array<{ name: string; soft: number; hard: number }> {
  return (list ?? []).map((u) => {
    if (!ULIMIT_NAMES.includes(u.Name)) throw new InvalidParameter(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard && u.Hard !== -1) throw new InvalidParameter(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    if (u.Name === 'nofile') {
      const max = nrOpen();
      // dockerd passes this to runc, which fails inside container init with "error setting rlimit type 7:
      // operation not permitted"; say what is wrong instead.
      if (u.Hard > max || u.Soft > max) throw new InvalidParameter(`ulimit nofile=${u.Soft}:${u.Hard} is above the host's hard limit of ${max} open files (fs.nr_open)`);
    }
    return { name: u.Name, soft: u.Soft, hard: u.Hard };
  });
}

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
export function majorMinor(rdev: number): { major: number; minor: number } {
  const hi = Math.floor(rdev / 2 ** 32);
  const lo = rdev % 2 ** 32;
  return { major: ((lo >>> 8) & 0xfff) | ((hi & 0xfffff000) >>> 0), minor: (lo & 0xff) | ((lo >>> 12) & 0xfff00) };
}

/** --device: the host node's type and numbers, created at PathInContainer and allowed in the device cgroup. */
export function deviceSpecs(list: DeviceMapping[] | null | undefined): { devices: OciDevice[]; rules: DeviceRule[] } {
  const devices: OciDevice[] = [];
  const rules: DeviceRule[] = [];
  for (const d of list ?? []) {
    let st;
    try { st = statSync(d.PathOnHost); } catch (err) {
      throw new InvalidParameter(`error gathering device information while adding custom device "${d.PathOnHost}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    if (!st.isCharacterDevice() && !st.isBlockDevice()) throw new InvalidParameter(`error gathering device information while adding custom device "${d.PathOnHost}": not a device node`);
    const type = st.isCharacterDevice() ? 'c' : 'b';
    const { major, minor } = majorMinor(st.rdev);
    devices.push({ path: d.PathInContainer || d.PathOnHost, type, major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid });
    rules.push({ allow: true, type, major, minor, access: d.CgroupPermissions || 'rwm' });
  }
  return { devices, rules };
}

/** --device-cgroup-rule: "c 7:128 rwm", "a *:* rwm" (a `*` major or minor matches any). */
export function deviceCgroupRules(list: string[] | null | undefined): DeviceRule[] {
  return (list ?? []).map((text) => {
    const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(text.trim());
    if (!m) throw new InvalidParameter(`invalid device cgroup rule format: '${text}'`);
    const num = (v: string): number | undefined => (v === '*' ? undefined : Number(v));
    return { allow: true, type: m[1] as DeviceRule['type'], major: num(m[2]!), minor: num(m[3]!), access: m[4]! };
  });
}

/** --group-add: numeric gids as given, names looked up in the container's /etc/group. */
export async function extraGroups(rootfs: string, groups: string[] | null | undefined): Promise<number[]> {
  if (!groups?.length) return [];
  const table = (await readFile(join(rootfs, 'etc/group'), 'utf8').catch(() => '')).split('\n').map((l) => l.split(':'));
  return groups.map((g) => {
    if (/^\d+$/.test(g)) return Number(g);
    const row = table.find((r) => r[0] === g);
    if (!row) throw new InvalidParameter(`Unable to find group ${g}: no matching entries in group file`);
    return Number(row[2]);
  });
}

/** Debian's tini-static (a static binary works in any image), or docker-init / tini, like dockerd's docker-init. */
export function initBinary(): string {
  for (const p of ['/usr/bin/tini-static', '/usr/bin/docker-init', '/usr/bin/tini', '/sbin/tini']) if (existsSync(p)) return p;
  throw new InvalidParameter('exec: "docker-init": executable file not found in $PATH');
}

