// -v/--volume binds, --mount objects and VOLUME paths turned into mount points, with dockerd 20.10's
// validation messages (volume/mounts/linux_parser.go semantics: modes, absolute targets, field checks).
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import { InvalidParameter } from '../errors.js';

/** What a container records per mount (Docker's MountPoint, in config.v2.json). */
export interface MountPoint {
  Type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name ('' for binds and tmpfs). */
  Name: string;
  /** Host path: the bind source, or the volume's _data directory. */
  Source: string;
  Destination: string;
  Driver: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  /** The user named the volume (anonymous volumes are removed by `rm -v` and `run --rm`). */
  Named: boolean;
  /** Fill an empty volume from the image's content at Destination (not with nocopy). */
  CopyData: boolean;
  /** tmpfs mount data ("size=1048576,mode=700"). */
  TmpfsData?: string;
  /** Driver options for a volume created by this mount (--mount volume-opt=...). */
  VolumeOptions?: Record<string, string>;
  VolumeLabels?: Record<string, string>;
}

/** The API's Mount object (HostConfig.Mounts). */
export interface ApiMount {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

const PROPAGATION = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];
const LABEL_MODES = ['z', 'Z'];
const CONSISTENCY = ['consistent', 'cached', 'delegated'];

/** linux_parser's ValidMountMode: at most one of rw/ro, one propagation, one label mode, one nocopy. */
export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  let rw = 0; let prop = 0; let label = 0; let copy = 0; let cons = 0;
  for (const o of mode.split(',')) {
    if (o === 'rw' || o === 'ro') rw++;
    else if (PROPAGATION.includes(o)) prop++;
    else if (LABEL_MODES.includes(o)) label++;
    else if (o === 'nocopy') copy++;
    else if (CONSISTENCY.includes(o)) cons++;
    else return false;
  }
  return rw <= 1 && prop <= 1 && label <= 1 && copy <= 1 && cons <= 1;
}

function invalidMount(type: string, msg: string): InvalidParameter {
  return new InvalidParameter(`invalid mount config for type "${type}": ${msg}`);
}

function checkTarget(type: string, target: string, wrap: (e: InvalidParameter) => InvalidParameter = (e) => e): string {
  if (!target) throw wrap(invalidMount(type, 'field Target must not be empty'));
  if (!target.startsWith('/')) throw wrap(invalidMount(type, `invalid mount path: '${target}' mount path must be absolute`));
  if (posix.normalize(target) === '/') throw wrap(invalidMount(type, "invalid specification: destination can't be '/'"));
  return posix.normalize(target).replace(/(.)\/$/, '$1');
}

/** One `-v` / HostConfig.Binds entry (or Config.Volumes path when `anonymousOnly`). */
export function parseBind(spec: string): MountPoint {
  const arr = spec.split(':');
  let src = ''; let dst = ''; let mode = '';
  const bad = () => new InvalidParameter(`invalid volume specification: '${spec}'`);
  if (arr.some((p) => p === '')) throw bad();
  switch (arr.length) {
    case 1: dst = arr[0]!; break;
    case 2:
      if (validMountMode(arr[1]!) && !arr[1]!.startsWith('/')) { dst = arr[0]!; mode = arr[1]!; } else { src = arr[0]!; dst = arr[1]!; }
      break;
    case 3: [src, dst, mode] = arr as [string, string, string]; break;
    default: throw bad();
  }
  if (!validMountMode(mode)) throw new InvalidParameter(`invalid mode: ${mode}`);
  const type = src.startsWith('/') ? 'bind' : 'volume';
  const wrap = (e: InvalidParameter) => new InvalidParameter(`invalid volume specification: '${spec}': ${e.message}`);
  const destination = checkTarget(type, dst, wrap);
  const modes = mode.split(',');
  const rw = !modes.includes('ro');
  const propagation = modes.find((m) => PROPAGATION.includes(m)) ?? '';
  if (type === 'bind') {
    return { Type: 'bind', Name: '', Source: posix.normalize(src).replace(/(.)\/$/, '$1'), Destination: destination, Driver: '', Mode: mode, RW: rw, Propagation: propagation || 'rprivate', Named: true, CopyData: false };
  }
  // dockerd labels a named volume "z" when no mode was given (its SELinux default); anonymous ones stay "".
  return { Type: 'volume', Name: src, Source: '', Destination: destination, Driver: 'local', Mode: src && !mode ? 'z' : mode, RW: rw, Propagation: '', Named: src !== '', CopyData: !modes.includes('nocopy') };
}

/** One HostConfig.Mounts entry, validated like dockerd (validate.go) before anything is created. */
export function parseApiMount(m: ApiMount): MountPoint {
  const type = m.Type ?? '';
  if (!['bind', 'volume', 'tmpfs'].includes(type)) throw new InvalidParameter(`invalid mount config for type "${type}": mount type unknown`);
  const destination = checkTarget(type, m.Target ?? '');
  const rw = !m.ReadOnly;
  if (type === 'bind') {
    if (m.VolumeOptions) throw invalidMount(type, 'field VolumeOptions must not be specified');
    if (m.TmpfsOptions) throw invalidMount(type, 'field TmpfsOptions must not be specified');
    if (!m.Source) throw invalidMount(type, 'field Source must not be empty');
    if (!m.Source.startsWith('/')) throw invalidMount(type, `invalid mount path: '${m.Source}' mount path must be absolute`);
    if (!existsSync(m.Source)) throw invalidMount(type, `bind source path does not exist: ${m.Source}`);
    const prop = m.BindOptions?.Propagation ?? '';
    if (prop && !PROPAGATION.includes(prop)) throw invalidMount(type, `invalid propagation mode: ${prop}`);
    return { Type: 'bind', Name: '', Source: posix.normalize(m.Source), Destination: destination, Driver: '', Mode: '', RW: rw, Propagation: prop || 'rprivate', Named: true, CopyData: false };
  }
  if (type === 'volume') {
    if (m.BindOptions) throw invalidMount(type, 'field BindOptions must not be specified');
    if (m.TmpfsOptions) throw invalidMount(type, 'field TmpfsOptions must not be specified');
    const driver = m.VolumeOptions?.DriverConfig?.Name || 'local';
    return {
      Type: 'volume', Name: m.Source ?? '', Source: '', Destination: destination, Driver: driver, Mode: 'z', RW: rw, Propagation: '',
      Named: !!m.Source, CopyData: !m.VolumeOptions?.NoCopy,
      VolumeOptions: m.VolumeOptions?.DriverConfig?.Options, VolumeLabels: m.VolumeOptions?.Labels,
    };
  }
  if (m.Source) throw invalidMount(type, 'field Source must not be specified');
  if (m.BindOptions) throw invalidMount(type, 'field BindOptions must not be specified');
  if (m.VolumeOptions) throw invalidMount(type, 'field VolumeOptions must not be specified');
  const data: string[] = [];
  if (m.TmpfsOptions?.SizeBytes) data.push(`size=${m.TmpfsOptions.SizeBytes}`);
  if (m.TmpfsOptions?.Mode) data.push(`mode=${(m.TmpfsOptions.Mode & 0o7777).toString(8)}`);
  return { Type: 'tmpfs', Name: '', Source: '', Destination: destination, Driver: '', Mode: '', RW: rw, Propagation: '', Named: true, CopyData: false, TmpfsData: data.join(',') };
}

/** The OCI options of a --tmpfs / tmpfs mount: dockerd's defaults (noexec, nosuid, nodev) plus the user's. */
/** pkg/mount's option flags: anything else in a tmpfs option list must be one of TMPFS_DATA. */
const MOUNT_FLAGS = new Set(['defaults', 'ro', 'rw', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync', 'async', 'dirsync',
  'remount', 'mand', 'nomand', 'atime', 'noatime', 'diratime', 'nodiratime', 'bind', 'rbind', 'unbindable', 'runbindable', 'private',
  'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'relatime', 'norelatime', 'strictatime', 'nostrictatime']);
const TMPFS_DATA = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

export function tmpfsOptions(data: string, rw: boolean): string[] {
  const given = data.split(',').filter(Boolean);
  // mount.ParseTmpfsOptions, at start: `invalid tmpfs option ["bogus"]` (Go's %q of the split option).
  for (const o of given) {
    if (MOUNT_FLAGS.has(o)) continue;
    const kv = o.split(/=(.*)/s).slice(0, o.includes('=') ? 2 : 1);
    if (!TMPFS_DATA.has(kv[0]!)) throw new InvalidParameter(`invalid tmpfs option [${kv.map((x) => JSON.stringify(x)).join(' ')}]`);
  }
  const out = ['noexec', 'nosuid', 'nodev'];
  for (const o of given) {
    const flip: Record<string, string> = { exec: 'noexec', suid: 'nosuid', dev: 'nodev' };
    if (flip[o]) { const i = out.indexOf(flip[o]!); if (i >= 0) out.splice(i, 1); out.push(o); continue; }
    if (!out.includes(o)) out.push(o);
  }
  if (!rw && !out.includes('ro')) out.unshift('ro');
  return out;
}
