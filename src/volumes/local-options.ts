// The local driver's options (-o type=..., device=..., o=...): validation with dockerd's messages, and the
// mount(2) call they stand for (dockerd's volume/local: mount -t TYPE -o O DEVICE _data).
import { InvalidParameter } from '../errors.js';
import { native } from '../sys/index.js';

const VALID = new Set(['type', 'device', 'o', 'size']);
/** dockerd 20.10's mandatoryOpts: each option needs the others listed. */
const REQUIRED: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] };

export function validateLocalOptions(name: string, opts: Record<string, string> | null | undefined): void {
  if (!opts) return;
  const fail = (msg: string): never => { throw new InvalidParameter(`create ${name}: ${msg}`); };
  for (const k of Object.keys(opts)) if (!VALID.has(k)) fail(`invalid option: ${JSON.stringify(k)}`);
  // No project quota support here, exactly like dockerd on a filesystem without prjquota.
  if ('size' in opts) fail('quota size requested but no quota support');
  for (const [k, needs] of Object.entries(REQUIRED)) {
    if (!(k in opts)) continue;
    for (const n of needs) if (!(n in opts)) fail(`missing required option: ${JSON.stringify(n)}`);
  }
}

export function needsMount(opts: Record<string, string> | null | undefined): boolean {
  return !!opts && ('type' in opts || 'device' in opts);
}

const FLAGS: Record<string, [set: number, clear: number]> = {
  ro: [1, 0], rw: [0, 1], nosuid: [2, 0], suid: [0, 2], nodev: [4, 0], dev: [0, 4], noexec: [8, 0], exec: [0, 8],
  sync: [16, 0], async: [0, 16], remount: [32, 0], mand: [64, 0], nomand: [0, 64], dirsync: [128, 0],
  bind: [native.MS_BIND, 0], rbind: [native.MS_BIND | native.MS_REC, 0],
  noatime: [1024, 0], atime: [0, 1024], nodiratime: [2048, 0], diratime: [0, 2048],
  relatime: [1 << 21, 0], norelatime: [0, 1 << 21], strictatime: [1 << 24, 0],
};

/** mount.ParseOptions: "-o" words that are flags become MS_* bits, the rest stays the data string. */
export function parseMountOptions(o: string | undefined): { flags: number; data: string } {
  let flags = 0;
  const data: string[] = [];
  for (const word of (o ?? '').split(',')) {
    if (!word) continue;
    const f = FLAGS[word];
    if (f) flags = (flags | f[0]) & ~f[1];
    else data.push(word);
  }
  return { flags, data: data.join(',') };
}

/** Mounts the volume's device on its _data dir; errors read like dockerd's "failed to mount local volume". */
export function mountLocal(target: string, opts: Record<string, string>): void {
  const { flags, data } = parseMountOptions(opts.o);
  let device = opts.device ?? '';
  // dockerd resolves a bind device to an absolute path; relative devices of other types are left alone.
  if (flags & native.MS_BIND && device && !device.startsWith('/')) device = `/${device}`;
  const type = opts.type === 'none' ? '' : opts.type ?? '';
  try {
    native.mount(device, target, type, flags, data || null);
  } catch (err) {
    const errno = (err as { message: string }).message.replace(/^.*?: /, '').toLowerCase();
    throw new Error(`failed to mount local volume: mount ${device}:${target}, ${data ? `data: ${data}, ` : ''}flags: 0x${flags.toString(16)}: ${errno}`, { cause: err });
  }
}
