// `docker run`/`docker create` flags and their translation to the POST /containers/create body, after
// docker/cli's cli/command/container/opts.go (parse). Flags the daemon may ignore are still carried.
import { readFileSync } from 'node:fs';
import { parseGoDuration, ramInBytes } from '../../../units/index.js';
import type { ContainerCreateBody, HostConfig } from '../../../client/index.js';
import type { FlagSpec, FlagValues } from '../../flags.js';
import { parseMountFlag, type MountSpec } from './mount-opt.js';

/** opts.MemBytes */
const bytes = (v: string): number => ramInBytes(v);
/** opts.NanoCPUs: a rational number of CPUs times 1e9, which must come out whole. */
export function parseNanoCpus(v: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) throw new Error(`failed to parse ${v} as a rational number`);
  const [int, frac = ''] = v.replace(/^\+/, '').split('.');
  if (frac.replace(/0+$/, '').length > 9) throw new Error('value is too precise');
  return Number(int) * 1e9 + (Number(frac.padEnd(9, '0').slice(0, 9)) || 0) * (v.startsWith('-') ? -1 : 1);
}
const duration = (v: string): number => parseGoDuration(v);

export const CREATE_FLAGS: FlagSpec[] = [
  { name: 'add-host', type: 'list', usage: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'attach', short: 'a', type: 'list', usage: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'cap-add', type: 'list', usage: 'Add Linux capabilities' },
  { name: 'cap-drop', type: 'list', usage: 'Drop Linux capabilities' },
  { name: 'cgroup-parent', type: 'string', usage: 'Optional parent cgroup for the container' },
  { name: 'cidfile', type: 'string', usage: 'Write the container ID to the file' },
  { name: 'cpu-shares', short: 'c', type: 'int', usage: 'CPU shares (relative weight)' },
  { name: 'cpus', type: 'string', varName: 'decimal', usage: 'Number of CPUs', parse: parseNanoCpus },
  { name: 'cpuset-cpus', type: 'string', usage: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'device', type: 'list', usage: 'Add a host device to the container', parse: parseDevice },
  { name: 'dns', type: 'list', usage: 'Set custom DNS servers' },
  { name: 'dns-option', type: 'list', usage: 'Set DNS options' },
  { name: 'dns-search', type: 'list', usage: 'Set custom DNS search domains' },
  { name: 'domainname', type: 'string', usage: 'Container NIS domain name' },
  { name: 'entrypoint', type: 'string', usage: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables' },
  { name: 'env-file', type: 'list', usage: 'Read in a file of environment variables' },
  { name: 'expose', type: 'list', usage: 'Expose a port or a range of ports' },
  { name: 'group-add', type: 'list', usage: 'Add additional groups to join' },
  { name: 'health-cmd', type: 'string', usage: 'Command to run to check health' },
  { name: 'health-interval', type: 'string', varName: 'duration', usage: 'Time between running the check (ms|s|m|h) (default 0s)', parse: duration },
  { name: 'health-retries', type: 'int', usage: 'Consecutive failures needed to report unhealthy' },
  { name: 'health-start-period', type: 'string', varName: 'duration', usage: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)', parse: duration },
  { name: 'health-timeout', type: 'string', varName: 'duration', usage: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)', parse: duration },
  { name: 'help', type: 'bool', usage: 'Print usage' },
  { name: 'hostname', short: 'h', type: 'string', usage: 'Container host name' },
  { name: 'init', type: 'bool', usage: 'Run an init inside the container that forwards signals and reaps processes' },
  { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached' },
  { name: 'ip', type: 'string', usage: 'IPv4 address (e.g., 172.30.100.104)' },
  { name: 'ip6', type: 'string', usage: 'IPv6 address (e.g., 2001:db8::33)' },
  { name: 'ipc', type: 'string', usage: 'IPC mode to use' },
  { name: 'label', short: 'l', type: 'list', usage: 'Set meta data on a container' },
  { name: 'label-file', type: 'list', usage: 'Read in a line delimited file of labels' },
  { name: 'link', type: 'list', usage: 'Add link to another container' },
  { name: 'log-driver', type: 'string', usage: 'Logging driver for the container' },
  { name: 'log-opt', type: 'list', usage: 'Log driver options' },
  { name: 'mac-address', type: 'string', usage: 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' },
  { name: 'memory', short: 'm', type: 'string', varName: 'bytes', usage: 'Memory limit', parse: bytes },
  { name: 'memory-reservation', type: 'string', varName: 'bytes', usage: 'Memory soft limit', parse: bytes },
  { name: 'memory-swap', type: 'string', varName: 'bytes', usage: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", parse: (v) => (v === '-1' ? -1 : bytes(v)) },
  { name: 'mount', type: 'list', varName: 'mount', usage: 'Attach a filesystem mount to the container', parse: parseMountFlag },
  { name: 'name', type: 'string', usage: 'Assign a name to the container' },
  { name: 'network', type: 'string', varName: 'network', usage: 'Connect a container to a network' },
  { name: 'net', type: 'string', hidden: true, usage: 'Connect a container to a network' },
  { name: 'network-alias', type: 'list', usage: 'Add network-scoped alias for the container' },
  { name: 'no-healthcheck', type: 'bool', usage: 'Disable any container-specified HEALTHCHECK' },
  { name: 'oom-kill-disable', type: 'bool', usage: 'Disable OOM Killer' },
  { name: 'pid', type: 'string', usage: 'PID namespace to use' },
  { name: 'pids-limit', type: 'int', usage: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'platform', type: 'string', usage: 'Set platform if server is multi-platform capable' },
  { name: 'privileged', type: 'bool', usage: 'Give extended privileges to this container' },
  { name: 'publish', short: 'p', type: 'list', usage: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', type: 'bool', usage: 'Publish all exposed ports to random ports' },
  { name: 'pull', type: 'string', usage: 'Pull image before running ("always"|"missing"|"never")', defaultText: '"missing"' },
  { name: 'read-only', type: 'bool', usage: "Mount the container's root filesystem as read only" },
  { name: 'restart', type: 'string', usage: 'Restart policy to apply when a container exits', defaultText: '"no"' },
  { name: 'rm', type: 'bool', usage: 'Automatically remove the container when it exits' },
  { name: 'runtime', type: 'string', usage: 'Runtime to use for this container' },
  { name: 'security-opt', type: 'list', usage: 'Security Options' },
  { name: 'shm-size', type: 'string', varName: 'bytes', usage: 'Size of /dev/shm', parse: bytes },
  { name: 'stop-signal', type: 'string', usage: 'Signal to stop a container', defaultText: '"SIGTERM"' },
  { name: 'stop-timeout', type: 'int', usage: 'Timeout (in seconds) to stop a container' },
  { name: 'sysctl', type: 'list', varName: 'map', usage: 'Sysctl options', defaultText: 'map[]' },
  { name: 'tmpfs', type: 'list', usage: 'Mount a tmpfs directory' },
  { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY' },
  { name: 'ulimit', type: 'list', varName: 'ulimit', usage: 'Ulimit options', defaultText: '[]', parse: parseUlimit },
  { name: 'user', short: 'u', type: 'string', usage: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'volume', short: 'v', type: 'list', usage: 'Bind mount a volume' },
  { name: 'volumes-from', type: 'list', usage: 'Mount volumes from the specified container(s)' },
  { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
];

export const RUN_ONLY_FLAGS: FlagSpec[] = [
  { name: 'detach', short: 'd', type: 'bool', usage: 'Run container in background and print container ID' },
  { name: 'detach-keys', type: 'string', usage: 'Override the key sequence for detaching a container' },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the pull output' },
  { name: 'sig-proxy', type: 'bool', usage: 'Proxy received signals to the process', defaultText: 'true' },
];

const list = (f: FlagValues, name: string): string[] => (f[name] as string[] | undefined) ?? [];

/** go-units ParseUlimit: name=soft[:hard]. */
export function parseUlimit(v: string): { Name: string; Soft: number; Hard: number } {
  const i = v.indexOf('=');
  if (i < 0) throw new Error(`invalid ulimit argument: ${v}`);
  const name = v.slice(0, i);
  if (!['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'].includes(name)) throw new Error(`invalid ulimit type: ${name}`);
  const parts = v.slice(i + 1).split(':');
  if (parts.length > 2) throw new Error(`too many limit value arguments - ${v.slice(i + 1)}, can only have up to two, \`soft[:hard]\``);
  const num = (s: string) => { if (!/^-?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing "${s}": invalid syntax`); return Number(s); };
  const soft = num(parts[0]!);
  const hard = parts.length > 1 ? num(parts[1]!) : soft;
  if (soft > hard) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  return { Name: name, Soft: soft, Hard: hard };
}

/** docker/cli parseDevice: src[:dst][:perms], perms from r, w, m. */
export function parseDevice(v: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const arr = v.split(':');
  if (arr.length > 3 || !arr[0]) throw new Error(`invalid device specification: ${v}`);
  const mode = (m: string) => /^[rwm]{1,3}$/.test(m) && new Set(m).size === m.length;
  let perms = 'rwm';
  let dst = '';
  if (arr.length === 3) perms = arr[2]!;
  if (arr.length >= 2) { if (mode(arr[1]!)) perms = arr[1]!; else dst = arr[1]!; }
  return { PathOnHost: arr[0]!, PathInContainer: dst || arr[0]!, CgroupPermissions: perms };
}

/** docker/cli parseSecurityOpts: seccomp=<file> travels as the profile's compacted JSON. */
function securityOpts(opts: string[]): string[] {
  return opts.map((o) => {
    const m = /^seccomp[=:](.*)$/.exec(o);
    if (!m || m[1] === 'unconfined') return o;
    let text: string;
    try { text = readFileSync(m[1]!, 'utf8'); } catch (err) { throw new Error(`opening seccomp profile (${m[1]}) failed: ${(err as Error).message}`); }
    try { return `seccomp=${JSON.stringify(JSON.parse(text))}`; } catch (err) { throw new Error(`compacting json for seccomp profile (${m[1]}) failed: ${(err as Error).message}`); }
  });
}

/** opts.ValidateEnv: a bare NAME takes its value from the CLI's environment when set there. */
function envEntry(e: string, env: NodeJS.ProcessEnv): string {
  if (e.includes('=')) return e;
  const v = env[e];
  return v === undefined ? e : `${e}=${v}`;
}

/** opts.ParseEnvFile / ParseKeyValueFile: comments and blank lines skipped, bare names looked up. */
export function readKeyValueFile(path: string, env: NodeJS.ProcessEnv, lookup: boolean): string[] {
  const out: string[] = [];
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (err) {
    // Go's *PathError: "open x: no such file or directory".
    const why: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied' };
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw why[code] ? new Error(`open ${path}: ${why[code]}`, { cause: err }) : err;
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (line.includes('=')) { out.push(line); continue; }
    const name = line.trim();
    if (!lookup) { out.push(name); continue; }
    if (env[name] !== undefined) out.push(`${name}=${env[name]}`);
  }
  return out;
}

function kvMap(entries: string[]): Record<string, string> {
  const m: Record<string, string> = {};
  for (const e of entries) {
    const i = e.indexOf('=');
    if (i < 0) m[e] = ''; else m[e.slice(0, i)] = e.slice(i + 1);
  }
  return m;
}

function isPortRange(s: string): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return false;
  const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= 65535 && hi <= 65535 && lo <= hi;
}

/** nat.ParsePortSpecs for -p: [ip:][hostPort:]containerPort[/proto]. */
function parsePorts(specs: string[], expose: string[]): { exposed: Record<string, Record<string, never>>; bindings: HostConfig['PortBindings'] } {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: NonNullable<HostConfig['PortBindings']> = {};
  for (const spec of specs) {
    const [addr, proto = 'tcp'] = spec.split('/') as [string, string?];
    const parts = addr.split(':');
    const container = parts.pop()!;
    const hostPort = parts.pop() ?? '';
    const hostIp = parts.join(':').replace(/^\[|\]$/g, '');
    // nat.ParsePortRange: decimal 16-bit ports, a range low to high.
    if (!isPortRange(container)) throw new Error(`Invalid containerPort: ${container}`);
    // nat.ParsePortSpec: a container range becomes one binding per port, paired with a host range of the
    // same size; a single container port keeps a host range whole (the daemon picks a free port in it).
    const [cLo, cHi = cLo] = container.split('-').map(Number) as [number, number?];
    const [hLo, hHi] = hostPort ? hostPort.split('-').map(Number) as [number, number?] : [undefined, undefined];
    if (hostPort && !isPortRange(hostPort)) throw new Error(`Invalid hostPort: ${hostPort}`);
    const count = cHi - cLo + 1;
    if (count > 1 && hLo !== undefined && (hHi ?? hLo) - hLo + 1 !== count) throw new Error(`invalid ranges specified for container and host Ports: ${container} and ${hostPort}`);
    for (let i = 0; i < count; i++) {
      const key = `${cLo + i}/${proto}`;
      const hp = hLo === undefined ? '' : count > 1 ? String(hLo + i) : hostPort;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: hp });
    }
  }
  for (const e of expose) {
    const [port, proto = 'tcp'] = e.split('/') as [string, string?];
    const [lo, hi = lo] = port.split('-').map(Number) as [number, number?];
    for (let p = lo; p <= hi; p++) exposed[`${p}/${proto}`] = {};
  }
  return { exposed, bindings };
}

/** opts.ParseRestartPolicy: "no", "always", "unless-stopped", "on-failure[:N]". */
export function parseRestart(policy: string | undefined): { Name: string; MaximumRetryCount: number } {
  if (!policy) return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count, extra] = policy.split(':');
  if (extra !== undefined) throw new Error(`invalid restart policy format`);
  if (count !== undefined && name !== 'on-failure') throw new Error(`maximum retry count cannot be used with restart policy '${name}'`);
  return { Name: name!, MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

/** The create body for `image [cmd...]`; throws Error with docker's message for invalid combinations. */
export function buildCreateBody(f: FlagValues, image: string, cmd: string[], env: NodeJS.ProcessEnv, detach = false): ContainerCreateBody {
  const attach = list(f, 'attach').map((s) => s.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw new Error(`invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  const interactive = f.interactive === true;
  let attachStdin = attach.includes('stdin') || interactive;
  let attachStdout = attach.length === 0 || attach.includes('stdout');
  let attachStderr = attach.length === 0 || attach.includes('stderr');
  if (detach) {
    if (attach.length) throw new Error('Conflicting options: -a and -d');
    attachStdin = attachStdout = attachStderr = false;
  }
  const restart = parseRestart(f.restart as string | undefined);
  if (f.rm === true && restart.Name !== '' && restart.Name !== 'no') throw new Error('Conflicting options: --restart and --rm');

  const envList = [...list(f, 'env-file').flatMap((p) => readKeyValueFile(p, env, true)), ...list(f, 'env').map((e) => envEntry(e, env))];
  const labels = kvMap([...list(f, 'label-file').flatMap((p) => readKeyValueFile(p, env, false)), ...list(f, 'label')]);
  const { exposed, bindings } = parsePorts(list(f, 'publish'), list(f, 'expose'));
  const binds: string[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const v of list(f, 'volume')) {
    if (v.includes(':')) binds.push(v); else volumes[v] = {};
  }
  let entrypoint: string[] | undefined;
  if (typeof f.entrypoint === 'string') entrypoint = [f.entrypoint];

  const health = healthConfig(f);
  const tmpfs: Record<string, string> = {};
  for (const t of list(f, 'tmpfs')) { const i = t.indexOf(':'); if (i < 0) tmpfs[t] = ''; else tmpfs[t.slice(0, i)] = t.slice(i + 1); }
  const network = (f.network as string | undefined) ?? (f.net as string | undefined) ?? 'default';

  const hostConfig: HostConfig = {
    Binds: binds.length ? binds : null,
    ContainerIDFile: (f.cidfile as string | undefined) ?? '',
    LogConfig: { Type: (f['log-driver'] as string | undefined) ?? '', Config: kvMap(list(f, 'log-opt')) },
    NetworkMode: network,
    PortBindings: bindings,
    RestartPolicy: restart,
    AutoRemove: f.rm === true,
    VolumesFrom: list(f, 'volumes-from').length ? list(f, 'volumes-from') : null,
    CapAdd: list(f, 'cap-add').length ? list(f, 'cap-add') : null,
    CapDrop: list(f, 'cap-drop').length ? list(f, 'cap-drop') : null,
    Dns: list(f, 'dns'),
    DnsOptions: list(f, 'dns-option'),
    DnsSearch: list(f, 'dns-search'),
    ExtraHosts: list(f, 'add-host').length ? list(f, 'add-host') : null,
    GroupAdd: list(f, 'group-add').length ? list(f, 'group-add') : null,
    IpcMode: (f.ipc as string | undefined) ?? '',
    PidMode: (f.pid as string | undefined) ?? '',
    Privileged: f.privileged === true,
    PublishAllPorts: f['publish-all'] === true,
    ReadonlyRootfs: f['read-only'] === true,
    SecurityOpt: list(f, 'security-opt').length ? securityOpts(list(f, 'security-opt')) : null,
    Devices: (f.device as HostConfig['Devices'] | undefined) ?? [],
    Ulimits: (f.ulimit as HostConfig['Ulimits'] | undefined) ?? null,
    Sysctls: list(f, 'sysctl').length ? kvMap(list(f, 'sysctl')) : undefined,
    OomKillDisable: f['oom-kill-disable'] === true,
    CgroupParent: (f['cgroup-parent'] as string | undefined) ?? '',
    Tmpfs: Object.keys(tmpfs).length ? tmpfs : undefined,
    Mounts: (f.mount as MountSpec[] | undefined)?.length ? f.mount as MountSpec[] : undefined,
    ShmSize: (f['shm-size'] as number | undefined) ?? 0,
    Runtime: (f.runtime as string | undefined) ?? '',
    CpuShares: (f['cpu-shares'] as number | undefined) ?? 0,
    Memory: (f.memory as number | undefined) ?? 0,
    NanoCpus: (f.cpus as number | undefined) ?? 0,
    CpusetCpus: (f['cpuset-cpus'] as string | undefined) ?? '',
    MemoryReservation: (f['memory-reservation'] as number | undefined) ?? 0,
    MemorySwap: (f['memory-swap'] as number | undefined) ?? 0,
    PidsLimit: (f['pids-limit'] as number | undefined) ?? null,
    Init: f.init === undefined ? null : f.init === true,
  };
  const body: ContainerCreateBody = {
    Hostname: (f.hostname as string | undefined) ?? '',
    Domainname: (f.domainname as string | undefined) ?? '',
    User: (f.user as string | undefined) ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Tty: f.tty === true,
    OpenStdin: interactive,
    StdinOnce: interactive && attachStdin,
    Env: envList,
    Cmd: cmd.length ? cmd : null,
    Image: image,
    Volumes: Object.keys(volumes).length ? volumes : undefined,
    WorkingDir: (f.workdir as string | undefined) ?? '',
    Entrypoint: entrypoint ?? null,
    MacAddress: (f['mac-address'] as string | undefined) || undefined,
    Labels: labels,
    StopSignal: f['stop-signal'] as string | undefined,
    StopTimeout: f['stop-timeout'] as number | undefined,
    Healthcheck: health,
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: networkEndpoints(network, list(f, 'network-alias'), f.ip as string | undefined, f.ip6 as string | undefined) },
  };
  applyLinks(body, network, list(f, 'link'));
  return body;
}

/** --link: HostConfig.Links on the default bridge; on a user-defined network the endpoint's Links (docker's CLI does the same). */
function applyLinks(body: ContainerCreateBody, network: string, links: string[]): void {
  if (!links.length) return;
  const userDefined = !['default', 'bridge', 'host', 'none', ''].includes(network) && !network.startsWith('container:');
  if (!userDefined) { body.HostConfig.Links = links; return; }
  const eps = body.NetworkingConfig.EndpointsConfig;
  eps[network] = { ...(eps[network] as Record<string, unknown> | undefined ?? {}), Links: links };
}

/** The docker client's EndpointsConfig: the --network's aliases and --ip/--ip6 (as IPAMConfig). */
function networkEndpoints(network: string, aliases: string[], ip: string | undefined, ip6: string | undefined): Record<string, unknown> {
  if (network === '' || network.startsWith('container:')) return {};
  if (network === 'default' && !aliases.length && !ip && !ip6) return {};
  const ipam = { ...(ip ? { IPv4Address: ip } : {}), ...(ip6 ? { IPv6Address: ip6 } : {}) };
  return { [network]: { ...(ip || ip6 ? { IPAMConfig: ipam } : {}), ...(aliases.length ? { Aliases: aliases } : {}) } };
}

function healthConfig(f: FlagValues): ContainerCreateBody['Healthcheck'] {
  const cmd = f['health-cmd'] as string | undefined;
  const any = cmd !== undefined || ['health-interval', 'health-timeout', 'health-start-period', 'health-retries'].some((k) => f[k] !== undefined);
  if (f['no-healthcheck'] === true) {
    if (any) throw new Error('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!any) return undefined;
  for (const k of ['health-interval', 'health-timeout', 'health-start-period']) {
    if (((f[k] as number | undefined) ?? 0) < 0) throw new Error(`--${k} cannot be negative`);
  }
  if (((f['health-retries'] as number | undefined) ?? 0) < 0) throw new Error('--health-retries cannot be negative');
  return {
    Test: cmd ? ['CMD-SHELL', cmd] : undefined,
    Interval: (f['health-interval'] as number | undefined) ?? 0,
    Timeout: (f['health-timeout'] as number | undefined) ?? 0,
    StartPeriod: (f['health-start-period'] as number | undefined) ?? 0,
    Retries: (f['health-retries'] as number | undefined) ?? 0,
  };
}
