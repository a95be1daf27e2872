// buildSpec: a container's settings -> runc's config.json, with Docker 20.10's defaults. Every default here
// was read off the config.json dockerd 20.10 hands to runc (capabilities, mounts, masked/readonly paths,
// device rules, sysctls, seccomp); the comments name the Docker behaviour where it is not obvious.
import { release } from 'node:os';
import { InvalidParameter } from '../../errors.js';
import { effectiveCaps, DEFAULT_CAPS } from './caps.js';
import { defaultProfile } from './generated/seccomp-default.js';
import { convertSeccompProfile, nativeArch, parseSeccompProfile } from './seccomp.js';
import type { OciDevice, OciDeviceRule, OciMount, OciNamespace, OciResources, OciRlimit, OciSeccomp, OciSpec } from './types.js';

export interface SpecOptions {
  id: string;
  rootfs: string;
  args: string[];
  env?: string[];
  cwd?: string;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  hostname?: string;
  domainname?: string;
  tty?: boolean;
  readonlyRootfs?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  /** Capabilities the daemon may grant (its bounding set); default every known one. */
  grantableCaps?: readonly string[];
  /** 'host' shares the daemon's namespace; { path } joins one (container:<id>, a bridge netns). */
  network?: 'host' | 'new' | { path: string };
  pidMode?: 'host';
  ipcMode?: 'host';
  utsMode?: 'host';
  /** A private cgroup namespace: Docker 20.10's default on cgroup v2 hosts (Runtime sets it there). */
  cgroupNs?: boolean;
  memory?: number;
  /** Memory+swap; undefined means Docker's default of twice --memory; -1 unlimited. */
  memorySwap?: number;
  /** False when the host lacks swap accounting (memory.memsw.*): Docker then leaves swap unset. */
  swapAccounting?: boolean;
  nanoCpus?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  pidsLimit?: number;
  shmSize?: number;
  oomScoreAdj?: number;
  ulimits?: { name: string; soft: number; hard: number }[];
  sysctls?: Record<string, string>;
  /** Parent cgroup; the container's is <parent>/<id>, like Docker's /docker/<id>. */
  cgroupParent?: string;
  /** null/undefined: Docker's defaults. */
  maskedPaths?: string[] | null;
  readonlyPaths?: string[] | null;
  securityOpt?: string[];
  /** Binds and volumes from the caller, e.g. /etc/hosts, /etc/hostname, /etc/resolv.conf. */
  mounts?: OciMount[];
  /** Device nodes to create (--device, or every host device for --privileged). */
  devices?: OciDevice[];
  /** cgroup device rules allowing those devices (--device's permissions). */
  deviceRules?: OciDeviceRule[];
  /** --oom-kill-disable */
  oomKillDisable?: boolean;
  /** --init: the init binary on the host, bind-mounted at /sbin/docker-init and run as `docker-init -- args`. */
  initPath?: string;
  /** For tests: host arch (node's process.arch) and kernel release used to evaluate seccomp rules. */
  arch?: string;
  kernel?: string;
}

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];
export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Docker's cgroup device rules: deny all, allow null/zero/full/random/urandom/tty/console, deny /dev/fuse. */
const DEFAULT_DEVICE_RULES = [
  { allow: false, access: 'rwm' },
  ...[[1, 5], [1, 3], [1, 9], [1, 8], [5, 0], [5, 1]].map(([major, minor]) => ({ allow: true, type: 'c' as const, major: major!, minor: minor!, access: 'rwm' })),
  { allow: false, type: 'c' as const, major: 10, minor: 229, access: 'rwm' },
];

const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

function defaultMounts(o: SpecOptions): OciMount[] {
  const ro = o.privileged ? [] : ['ro'];
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    // Docker clears "ro" on /sys and the cgroup mount for --privileged.
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ...ro] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...ro, 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${o.shmSize || DEFAULT_SHM_SIZE}`] },
  ];
}

const ETC_BINDS = new Set(['/etc/resolv.conf', '/etc/hostname', '/etc/hosts']);

/** A caller's mount replaces a default at the same destination (Docker: `--tmpfs /dev/shm`, `-v x:/dev/shm`). */
function buildMounts(o: SpecOptions): OciMount[] {
  const given = o.initPath ? [...(o.mounts ?? []), { destination: '/sbin/docker-init', type: 'bind', source: o.initPath, options: ['bind', 'ro'] }] : o.mounts ?? [];
  const extra = given.map((m) => {
    // With --read-only Docker mounts the files it generates read-only too.
    if (!o.readonlyRootfs || !ETC_BINDS.has(m.destination) || m.options?.includes('ro')) return m;
    const opts = [...(m.options ?? [])];
    opts.splice(opts.indexOf('rbind') + 1, 0, 'ro');
    return { ...m, options: opts };
  });
  const taken = new Set(extra.map((m) => m.destination));
  return [...defaultMounts(o).filter((m) => !taken.has(m.destination)), ...extra];
}

function namespaces(o: SpecOptions): OciNamespace[] {
  const ns: OciNamespace[] = [{ type: 'mount' }];
  const net = o.network ?? 'new';
  if (net !== 'host') ns.push(typeof net === 'object' ? { type: 'network', path: net.path } : { type: 'network' });
  if (o.utsMode !== 'host') ns.push({ type: 'uts' });
  if (o.pidMode !== 'host') ns.push({ type: 'pid' });
  if (o.ipcMode !== 'host') ns.push({ type: 'ipc' });
  if (o.cgroupNs) ns.push({ type: 'cgroup' });
  return ns;
}

function resources(o: SpecOptions): OciResources {
  const r: OciResources = { devices: o.privileged ? [{ allow: true, access: 'rwm' }] : DEFAULT_DEVICE_RULES.map((d) => ({ ...d })) };
  if (!o.privileged) r.devices.push(...(o.deviceRules ?? []));
  r.memory = { disableOOMKiller: o.oomKillDisable ?? false };
  if (o.memory) {
    r.memory.limit = o.memory;
    if (o.swapAccounting !== false) r.memory.swap = o.memorySwap ?? o.memory * 2;
  }
  r.cpu = { shares: o.cpuShares ?? 0 };
  if (o.nanoCpus && (o.cpuQuota || o.cpuPeriod)) {
    throw new InvalidParameter('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  if (o.nanoCpus) {
    // Docker: --cpus=1.5 -> quota 150000 over the default 100ms period.
    r.cpu.period = 100_000;
    r.cpu.quota = Math.round((o.nanoCpus * 100_000) / 1e9);
  }
  if (o.cpuQuota) r.cpu.quota = o.cpuQuota;
  if (o.cpuPeriod) r.cpu.period = o.cpuPeriod;
  if (o.pidsLimit && o.pidsLimit > 0) r.pids = { limit: o.pidsLimit };
  r.blockIO = { weight: 0 };
  return r;
}

function sysctls(o: SpecOptions): Record<string, string> {
  const out: Record<string, string> = {};
  // Docker sets the domain name through the UTS sysctl rather than config.json's domainname.
  if (o.domainname) out['kernel.domainname'] = o.domainname;
  Object.assign(out, o.sysctls ?? {});
  // Docker 20.10: in a private network namespace, unprivileged ports and ping sockets are open to all, and
  // IPv6 is off (no ::1 or fe80:: addresses; its networks have no IPv6), also for interfaces connected later.
  if ((o.network ?? 'new') !== 'host') {
    out['net.ipv4.ip_unprivileged_port_start'] ??= '0';
    out['net.ipv4.ping_group_range'] ??= '0 2147483647';
    out['net.ipv6.conf.all.disable_ipv6'] ??= '1';
    out['net.ipv6.conf.default.disable_ipv6'] ??= '1';
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

interface SecurityOpts { seccomp: 'default' | 'unconfined' | string; noNewPrivileges: boolean }

/** --security-opt: seccomp=unconfined|<profile json>, no-new-privileges[=bool]; apparmor/label accepted and ignored. */
export function parseSecurityOpts(list: readonly string[]): SecurityOpts {
  const out: SecurityOpts = { seccomp: 'default', noNewPrivileges: false };
  for (const opt of list) {
    if (opt === 'no-new-privileges') { out.noNewPrivileges = true; continue; }
    const m = /^([a-z-]+)[=:](.*)$/s.exec(opt);
    if (!m) throw new InvalidParameter(`invalid --security-opt 1: "${opt}"`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'seccomp') out.seccomp = value;
    else if (key === 'no-new-privileges') out.noNewPrivileges = value === 'true';
    else if (key !== 'apparmor' && key !== 'label' && key !== 'systempaths') throw new InvalidParameter(`invalid --security-opt 2: "${opt}"`);
  }
  return out;
}

function seccomp(o: SpecOptions, sec: SecurityOpts, caps: string[]): OciSeccomp | undefined {
  if (o.privileged || sec.seccomp === 'unconfined') return undefined;
  const profile = sec.seccomp === 'default' ? defaultProfile : parseSeccompProfile(sec.seccomp);
  return convertSeccompProfile(profile, { caps, arch: nativeArch(o.arch), kernel: o.kernel ?? release() });
}

function rlimits(o: SpecOptions): OciRlimit[] | undefined {
  if (!o.ulimits?.length) return undefined;
  return o.ulimits.map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, hard: u.hard, soft: u.soft }));
}

export function buildSpec(o: SpecOptions): OciSpec {
  if (!o.args.length) throw new InvalidParameter('No command specified');
  const caps = o.privileged || o.capAdd?.length || o.capDrop?.length ? effectiveCaps({ ...o, grantable: o.grantableCaps }) : [...DEFAULT_CAPS];
  const sec = parseSecurityOpts(o.securityOpt ?? []);
  const user = o.user ?? { uid: 0, gid: 0, additionalGids: [0] };
  const spec: OciSpec = {
    ociVersion: '1.0.2-dev',
    process: {
      ...(o.tty ? { terminal: true } : {}),
      user: { uid: user.uid, gid: user.gid, ...(user.additionalGids?.length ? { additionalGids: user.additionalGids } : {}) },
      args: o.initPath ? ['/sbin/docker-init', '--', ...o.args] : o.args,
      env: o.env ?? [],
      cwd: o.cwd || '/',
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
      oomScoreAdj: o.oomScoreAdj ?? 0,
    },
    root: { path: o.rootfs, ...(o.readonlyRootfs ? { readonly: true } : {}) },
    ...(o.hostname ? { hostname: o.hostname } : {}),
    mounts: buildMounts(o),
    linux: {
      sysctl: sysctls(o),
      resources: resources(o),
      cgroupsPath: `${(o.cgroupParent ?? '/wharf').replace(/\/+$/, '')}/${o.id}`,
      namespaces: namespaces(o),
    },
  };
  const limits = rlimits(o);
  if (limits) spec.process.rlimits = limits;
  if (sec.noNewPrivileges) spec.process.noNewPrivileges = true;
  if (o.devices?.length) spec.linux.devices = o.devices;
  const sc = seccomp(o, sec, caps);
  if (sc) spec.linux.seccomp = sc;
  // --privileged unmasks /proc and /sys entirely (Docker drops both lists).
  if (!o.privileged) {
    spec.linux.maskedPaths = [...(o.maskedPaths ?? DEFAULT_MASKED_PATHS)];
    spec.linux.readonlyPaths = [...(o.readonlyPaths ?? DEFAULT_READONLY_PATHS)];
  }
  return spec;
}
