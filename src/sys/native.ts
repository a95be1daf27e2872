// The only FFI user: syscalls Node lacks (mknod, xattrs, mount, unix SEQPACKET sockets), through koffi
// (prebuilt, no install script). Each wrapper throws SystemError with errno text; callers never see koffi.
import { createRequire } from 'node:module';
import { SystemError } from '../errors.js';

const require = createRequire(import.meta.url);

type Fn = (...args: unknown[]) => number;
interface Libc {
  mknod: Fn; syncFileRange: Fn; lsetxattr: Fn; lgetxattr: Fn; llistxattr: Fn; mount: Fn; umount2: Fn;
  socket: Fn; connect: Fn; socketpair: Fn; recv: Fn; fcntl: Fn; errnoLocation: () => unknown; strerror: (n: number) => string; decodeInt: (p: unknown) => number;
  /** umount2 on one of koffi's worker threads; errno is the one that call set. */
  umount2Async: (target: string, flags: number) => Promise<{ rc: number; errno: number }>;
}

let libc: Libc | undefined;

function load(): Libc {
  if (libc) return libc;
  const koffi = require('koffi');
  const lib = koffi.load('libc.so.6');
  const umount2 = lib.func('int umount2(const char *target, int flags)');
  const sockaddrUn = koffi.struct('sockaddr_un', { sun_family: 'uint16', sun_path: koffi.array('char', 108) });
  libc = {
    mknod: lib.func('int mknod(const char *path, uint32_t mode, uint64_t dev)'),
    syncFileRange: lib.func('int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags)'),
    lsetxattr: lib.func('int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)'),
    lgetxattr: lib.func('intptr_t lgetxattr(const char *path, const char *name, _Out_ void *value, size_t size)'),
    llistxattr: lib.func('intptr_t llistxattr(const char *path, _Out_ void *list, size_t size)'),
    mount: lib.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)'),
    umount2,
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    connect: lib.func('int connect(int fd, const sockaddr_un *addr, uint32_t len)'),
    socketpair: lib.func('int socketpair(int domain, int type, int protocol, _Out_ void *sv)'),
    recv: lib.func('intptr_t recv(int fd, _Out_ void *buf, size_t len, int flags)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
    errnoLocation: lib.func('int *__errno_location(void)'),
    strerror: lib.func('const char *strerror(int errnum)'),
    decodeInt: (p: unknown) => koffi.decode(p, 'int') as number,
    umount2Async: (target: string, flags: number) => new Promise((resolve, reject) => {
      umount2.async(target, flags, (err: Error | null, rc: number) => (err ? reject(err) : resolve({ rc, errno: rc === 0 ? 0 : koffi.errno() as number })));
    }),
  };
  return libc;
}

export class NativeError extends SystemError {
  readonly errno: number;
  readonly code: string;
  constructor(op: string, path: string, errno: number, text: string) {
    super(`${op} ${path}: ${text}`);
    this.errno = errno;
    this.code = ERRNO_CODES[errno] ?? `E${errno}`;
  }
}

const ERRNO_CODES: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 4: 'EINTR', 11: 'EAGAIN', 13: 'EACCES', 16: 'EBUSY', 17: 'EEXIST', 22: 'EINVAL', 61: 'ENODATA', 95: 'EOPNOTSUPP', 111: 'ECONNREFUSED' };

function check(op: string, path: string, rc: number): number {
  if (rc >= 0) return rc;
  const l = load();
  const errno = l.decodeInt(l.errnoLocation());
  throw new NativeError(op, path, errno, l.strerror(errno));
}

/**
 * Starts writeback of a file range without waiting for it (sync_file_range SYNC_FILE_RANGE_WRITE): a big
 * file written this way every few MiB is mostly on disk by the time its fdatasync comes, instead of all of
 * it being written then. Best effort: errors are ignored (the fdatasync still decides).
 */
export function startWriteback(fd: number, offset: number, length: number): void {
  try { load().syncFileRange(fd, offset, length, 2); } catch { /* best effort */ }
}

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major), mi = BigInt(minor);
  return ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
}

/** mknod(2): character/block devices and fifos; overlayfs whiteouts are char 0:0. */
export function mknod(path: string, mode: number, major = 0, minor = 0): void {
  check('mknod', path, load().mknod(path, mode, makedev(major, minor)));
}

/** lsetxattr(2) on the path itself (never following a symlink). */
export function setXattr(path: string, name: string, value: Buffer | string): void {
  const buf = typeof value === 'string' ? Buffer.from(value) : value;
  check('lsetxattr', path, load().lsetxattr(path, name, buf, buf.length, 0));
}

/** lgetxattr(2); undefined when the attribute is absent. */
export function getXattr(path: string, name: string): Buffer | undefined {
  const l = load();
  const buf = Buffer.alloc(65536);
  const n = l.lgetxattr(path, name, buf, buf.length);
  if (n < 0) {
    const errno = l.decodeInt(l.errnoLocation());
    if (errno === 61 || errno === 95) return undefined; // ENODATA, EOPNOTSUPP
    throw new NativeError('lgetxattr', path, errno, l.strerror(errno));
  }
  return buf.subarray(0, n);
}

/** llistxattr(2): attribute names on the path itself. */
export function listXattrs(path: string): string[] {
  const l = load();
  const buf = Buffer.alloc(65536);
  const n = l.llistxattr(path, buf, buf.length);
  if (n < 0) {
    const errno = l.decodeInt(l.errnoLocation());
    if (errno === 95) return [];
    throw new NativeError('llistxattr', path, errno, l.strerror(errno));
  }
  return buf.subarray(0, n).toString('latin1').split('\0').filter(Boolean);
}

export const MS_RDONLY = 1;
export const MS_BIND = 4096;
export const MS_REC = 16384;
export const MNT_DETACH = 2;

/** mount(2). */
export function mount(source: string, target: string, fstype: string, flags: number, data: string | null): void {
  check('mount', target, load().mount(source, target, fstype, flags, data));
}

/** umount2(2); a target that is not mounted (EINVAL) or gone (ENOENT) is not an error. */
export function unmount(target: string, flags = MNT_DETACH): void {
  const l = load();
  if (l.umount2(target, flags) === 0) return;
  const errno = l.decodeInt(l.errnoLocation());
  if (errno === 22 || errno === 2) return;
  throw new NativeError('umount2', target, errno, l.strerror(errno));
}

/**
 * unmount() off the event loop: an unmount waits for an RCU grace period (~10 ms here, much more on a busy
 * machine), during which a synchronous call would stall every request the daemon serves.
 */
export async function unmountAsync(target: string, flags = MNT_DETACH): Promise<void> {
  const l = load();
  const { rc, errno } = await l.umount2Async(target, flags);
  if (rc === 0 || errno === 22 || errno === 2) return;
  throw new NativeError('umount2', target, errno, l.strerror(errno));
}

const AF_UNIX = 1;
const SOCK_SEQPACKET = 5;
const SOCK_CLOEXEC = 0o2000000;

/** Connects a SOCK_SEQPACKET unix socket (conmon's attach socket) and returns the fd for fs streams. */
export function connectSeqpacket(path: string): number {
  const l = load();
  const fd = check('socket', path, l.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (Buffer.byteLength(path) >= 108) throw new SystemError(`socket path too long: ${path}`);
  const sunPath = Array.from(Buffer.from(path + '\0'));
  const rc = l.connect(fd, { sun_family: AF_UNIX, sun_path: sunPath }, 110);
  if (rc < 0) {
    const errno = l.decodeInt(l.errnoLocation());
    require('node:fs').closeSync(fd);
    throw new NativeError('connect', path, errno, l.strerror(errno));
  }
  return fd;
}

/** A connected pair of SOCK_SEQPACKET unix sockets (close-on-exec); tests stand one end in for conmon. */
export function socketpairSeqpacket(): [number, number] {
  const sv = Buffer.alloc(8);
  check('socketpair', 'AF_UNIX', load().socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
  return [sv.readInt32LE(0), sv.readInt32LE(4)];
}

const F_DUPFD_CLOEXEC = 1030;

/** A close-on-exec duplicate of `fd` (same open socket, its own descriptor number). */
export function dupCloexec(fd: number): number {
  return check('fcntl', `fd ${fd}`, load().fcntl(fd, F_DUPFD_CLOEXEC, 'int', 0));
}

const MSG_DONTWAIT = 0x40;

/**
 * One packet from a SEQPACKET socket without blocking: the packet, null at the end of the stream (the peer
 * closed and nothing is queued), or undefined when nothing is queued yet.
 */
export function recvPacket(fd: number, maxBytes = 65536): Buffer | null | undefined {
  const l = load();
  const buf = Buffer.allocUnsafe(maxBytes);
  for (;;) {
    const n = Number(l.recv(fd, buf, maxBytes, MSG_DONTWAIT));
    if (n > 0) return Buffer.from(buf.subarray(0, n)); // a copy: the caller keeps packets, not 64 KiB each
    if (n === 0) return null;
    const errno = l.decodeInt(l.errnoLocation());
    if (errno === 4) continue;
    if (errno === 11) return undefined;
    throw new NativeError('recv', `fd ${fd}`, errno, l.strerror(errno));
  }
}
