// Turns a POST /containers/create body plus the image's config into the record Docker would keep:
// the image's Env/Cmd/Entrypoint/WorkingDir/User/Labels/... merged under the request's, and a HostConfig
// with every field Docker 20.10 shows in inspect.
import { availableParallelism } from 'node:os';
import { InvalidParameter } from '../errors.js';
import { ALL_CAPS } from '../runtime/index.js';
import type { ContainerConfig, HostConfig } from './types.js';

export interface ImageConfigLike {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  StopSignal?: string;
  Healthcheck?: unknown;
  OnBuild?: string[] | null;
  Shell?: string[] | null;
}

const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Docker 20.10's HostConfig as inspect shows it for `docker run` with no options. */
export function defaultHostConfig(): HostConfig {
  return {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: {} }, NetworkMode: 'default',
    PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '',
    VolumesFrom: null, CapAdd: null, CapDrop: null, CgroupnsMode: 'host', Dns: [], DnsOptions: [], DnsSearch: [],
    ExtraHosts: null, GroupAdd: null, IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '',
    Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '',
    ShmSize: 67108864, Runtime: 'runc', ConsoleSize: [0, 0], Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0,
    CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: null, BlkioDeviceWriteBps: null,
    BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null, DeviceRequests: null,
    KernelMemory: 0, KernelMemoryTCP: 0, MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null,
    OomKillDisable: false, PidsLimit: null, Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0,
    IOMaximumBandwidth: 0, MaskedPaths: [...MASKED_PATHS], ReadonlyPaths: [...READONLY_PATHS],
  };
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * The HostConfig a create body carries, read as dockerd's ContainerConfigWrapper does: the `HostConfig`
 * object, or else HostConfig fields written at the top level of the body (the pre-1.12 form, which docker-py
 * still uses for `runtime`); with both, a few top-level resource fields fill zero ones inside.
 */
export function hostConfigOfBody(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const known = new Set(Object.keys(defaultHostConfig()));
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (known.has(k) && k !== 'HostConfig') top[k] = v;
  const inner = body.HostConfig as Record<string, unknown> | null | undefined;
  if (inner === undefined || inner === null) return Object.keys(top).length ? top : undefined;
  const merged = { ...inner };
  for (const k of ['Memory', 'MemorySwap', 'CpuShares']) if (!merged[k] && top[k]) merged[k] = top[k];
  if (!merged.CpusetCpus && typeof body.Cpuset === 'string' && body.Cpuset) merged.CpusetCpus = body.Cpuset;
  return merged;
}

/** Merges the request's HostConfig over the defaults, keeping Docker's normalisations. */
export function normalizeHostConfig(given: Record<string, unknown> | undefined, runtime: string): HostConfig {
  const hc = defaultHostConfig();
  for (const [k, v] of Object.entries(given ?? {})) {
    if (isSet(v)) (hc as Record<string, unknown>)[k] = v;
  }
  // dockerd names the default runtime at create only when the body has a HostConfig; without one the
  // field stays unset (and out of inspect) until the first start, see withRuntime.
  if (given === undefined) delete (hc as Partial<HostConfig>).Runtime;
  else if (!hc.Runtime) hc.Runtime = runtime;
  if (!hc.NetworkMode) hc.NetworkMode = 'default';
  if (!hc.ShmSize) hc.ShmSize = 67108864;
  // dockerd's adaptContainerSettings: a memory limit without a swap limit allows as much swap again.
  if (hc.Memory > 0 && !hc.MemorySwap) hc.MemorySwap = hc.Memory * 2;
  if (!hc.LogConfig?.Type) hc.LogConfig = { Type: 'json-file', Config: hc.LogConfig?.Config ?? {} };
  if (!hc.LogConfig.Config) hc.LogConfig.Config = {};
  if (!hc.RestartPolicy?.Name) hc.RestartPolicy = { Name: 'no', MaximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0 };
  if (hc.Privileged) { hc.MaskedPaths = null as unknown as string[]; hc.ReadonlyPaths = null as unknown as string[]; }
  validateHostConfig(hc);
  return hc;
}

/** The HostConfig a start leaves: the default runtime named where inspect shows it, after ShmSize. */
export function withRuntime(hc: HostConfig, runtime: string): HostConfig {
  if (hc.Runtime !== undefined) return hc;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hc)) {
    out[k] = v;
    if (k === 'ShmSize') out.Runtime = runtime;
  }
  if (!('Runtime' in out)) out.Runtime = runtime;
  return out as unknown as HostConfig;
}

/**
 * dockerd's runconfig validateNetMode, run on the request as sent (before any default such as the hostname
 * is filled in) and before the image is looked up: what a shared network namespace cannot honour is a 400.
 */
export function validateNetMode(given: { Hostname?: string; MacAddress?: string; ExposedPorts?: Record<string, unknown> | null }, hc: HostConfig): void {
  const mode = hc.NetworkMode;
  const container = mode.startsWith('container:');
  if (container && mode === 'container:') throw new InvalidParameter('Invalid network mode: invalid container format container:<name|id>');
  const conflict = (what: string) => new InvalidParameter(`conflicting options: ${what}`);
  if (container && given.Hostname) throw conflict('hostname and the network mode');
  if (container && (hc.Links as string[] | null)?.length) throw conflict("container type network can't be used with links. This would result in undefined behavior");
  if (container && (hc.Dns as string[] | null)?.length) throw conflict('dns and the network mode');
  if (container && (hc.ExtraHosts as string[] | null)?.length) throw conflict('custom host-to-IP mapping and the network mode');
  if ((container || mode === 'host') && given.MacAddress) throw conflict('mac-address and the network mode');
  if (container && (Object.keys((hc.PortBindings as Record<string, unknown> | null) ?? {}).length || hc.PublishAllPorts)) throw conflict('port publishing and the container type network mode');
  if (container && Object.keys(given.ExposedPorts ?? {}).length) throw conflict('port exposing and the container type network mode');
  if (hc.UTSMode === 'host' && given.Hostname) throw conflict('hostname and the UTS mode');
  if (mode === 'host' && (hc.Links as string[] | null)?.length) throw conflict("host type networking can't be used with links. This would result in undefined behavior");
}

/** The create response's warnings about networking (dockerd's verifyPlatformContainerSettings). */
export function netModeWarnings(hc: HostConfig): string[] {
  return hc.NetworkMode === 'host' && Object.keys((hc.PortBindings as Record<string, unknown> | null) ?? {}).length ? ['Published ports are discarded when using host network mode'] : [];
}

/** The checks dockerd makes before creating anything (daemon/container.go verifyContainerSettings). */
function validateHostConfig(hc: HostConfig): void {
  if (hc.Memory > 0 && hc.Memory < 6 * 1024 * 1024) throw new InvalidParameter('Minimum memory limit allowed is 6MB');
  if (hc.Memory > 0 && hc.MemorySwap > 0 && hc.MemorySwap < hc.Memory) throw new InvalidParameter('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (hc.Memory === 0 && hc.MemorySwap > 0) throw new InvalidParameter('You should always set the Memory limit when using Memoryswap limit, see usage');
  // sysinfo.NumCPU: the CPUs this process may run on (sched_getaffinity), as availableParallelism counts them.
  const ncpu = availableParallelism();
  if (hc.NanoCpus < 0 || hc.NanoCpus > ncpu * 1e9) throw new InvalidParameter(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  if (hc.NanoCpus > 0 && hc.CpuQuota > 0) throw new InvalidParameter('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  const policy = hc.RestartPolicy.Name;
  if (!['no', 'always', 'unless-stopped', 'on-failure', ''].includes(policy)) throw new InvalidParameter(`invalid restart policy '${policy}'`);
  if (policy !== 'on-failure' && hc.RestartPolicy.MaximumRetryCount > 0) throw new InvalidParameter(`maximum retry count cannot be used with restart policy '${policy}'`);
  if (hc.AutoRemove && policy !== 'no' && policy !== '') throw new InvalidParameter("can't create 'AutoRemove' container with restart policy");
  validateLogConfig(hc.LogConfig.Type, hc.LogConfig.Config);
  // ValidateTmpfsMountDestination at create.
  for (const dest of Object.keys((hc.Tmpfs as Record<string, string> | null | undefined) ?? {})) {
    if (dest === '/') throw new InvalidParameter("invalid specification: destination can't be '/'");
    if (!dest.startsWith('/')) throw new InvalidParameter(`invalid mount path: '${dest}' mount path must be absolute`);
  }
  validateCaps('CapAdd', hc.CapAdd);
  validateCaps('CapDrop', hc.CapDrop);
}

/** caps.NormalizeLegacyCapabilities at create: an unknown name is a 400 then, not a start failure. */
function validateCaps(field: string, list: readonly string[] | null): void {
  for (const raw of list ?? []) {
    const up = raw.toUpperCase();
    if (up === 'ALL') continue;
    const name = up.startsWith('CAP_') ? up : `CAP_${up}`;
    if (!ALL_CAPS.includes(name)) throw new InvalidParameter(`invalid ${field}: unknown capability: "${name}"`);
  }
}

/** The log drivers dockerd 20.10 has built in; anything else would be a plugin, and wharf has none. */
const LOG_DRIVERS = new Set(['json-file', 'local', 'none', 'journald', 'syslog', 'gelf', 'fluentd', 'awslogs', 'splunk', 'gcplogs', 'logentries']);
const JSON_FILE_OPTS = new Set(['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag']);

/** dockerd's logger.ValidateLogOpts for the request's LogConfig. */
function validateLogConfig(driver: string, config: Record<string, string>): void {
  if (driver === 'none') return;
  const mode = config.mode ?? '';
  if (!['', 'blocking', 'non-blocking'].includes(mode)) throw new InvalidParameter(`logger: logging mode not supported: ${mode}`);
  if ('max-buffer-size' in config && mode !== 'non-blocking') throw new InvalidParameter("logger: max-buffer-size option is only supported with 'mode=non-blocking'");
  if (!LOG_DRIVERS.has(driver)) throw new InvalidParameter(`error looking up logging plugin ${driver}: plugin "${driver}" not found`);
  if (driver !== 'json-file') return;
  for (const key of Object.keys(config)) {
    if (key !== 'mode' && key !== 'max-buffer-size' && !JSON_FILE_OPTS.has(key)) throw new InvalidParameter(`unknown log opt '${key}' for json-file log driver`);
  }
}

function mergeEnv(image: string[] | null | undefined, given: string[] | null | undefined): string[] | null {
  const out = [...(image ?? [])];
  for (const kv of given ?? []) {
    const key = kv.split('=', 1)[0];
    const idx = out.findIndex((e) => e.split('=', 1)[0] === key);
    if (idx >= 0) out[idx] = kv; else out.push(kv);
  }
  return out.length ? out : null;
}

/** Docker's merge of the image config under the request (daemon/create.go + runconfig merge). */
export function mergeConfig(given: Partial<ContainerConfig>, image: ImageConfigLike, imageRef: string, id: string): ContainerConfig {
  const entrypointGiven = given.Entrypoint !== undefined && given.Entrypoint !== null;
  const cmd = given.Cmd && given.Cmd.length ? given.Cmd : entrypointGiven ? null : image.Cmd ?? null;
  const entrypoint = entrypointGiven ? (given.Entrypoint!.length === 1 && given.Entrypoint![0] === '' ? null : given.Entrypoint!) : image.Entrypoint ?? null;
  const labels = { ...(image.Labels ?? {}), ...(given.Labels ?? {}) };
  const cfg: ContainerConfig = {
    Hostname: given.Hostname || id.slice(0, 12),
    Domainname: given.Domainname ?? '',
    User: given.User || image.User || '',
    AttachStdin: given.AttachStdin ?? false,
    AttachStdout: given.AttachStdout ?? false,
    AttachStderr: given.AttachStderr ?? false,
    Tty: given.Tty ?? false,
    OpenStdin: given.OpenStdin ?? false,
    StdinOnce: given.StdinOnce ?? false,
    Env: mergeEnv(image.Env, given.Env),
    Cmd: cmd && cmd.length ? cmd : null,
    Image: given.Image ?? imageRef,
    Volumes: given.Volumes || image.Volumes ? { ...(image.Volumes ?? {}), ...(given.Volumes ?? {}) } : null,
    WorkingDir: given.WorkingDir || image.WorkingDir || '',
    Entrypoint: entrypoint && entrypoint.length ? entrypoint : null,
    // container.Config's MacAddress (omitempty), in Go's field order: the primary network's endpoint gets it.
    ...(given.MacAddress ? { MacAddress: given.MacAddress } : {}),
    OnBuild: image.OnBuild && image.OnBuild.length ? image.OnBuild : null,
    Labels: labels,
  };
  const ports = given.ExposedPorts || image.ExposedPorts ? { ...(image.ExposedPorts ?? {}), ...(given.ExposedPorts ?? {}) } : undefined;
  if (ports) cfg.ExposedPorts = ports;
  const stopSignal = given.StopSignal || image.StopSignal;
  if (stopSignal) cfg.StopSignal = stopSignal;
  if (given.StopTimeout !== undefined && given.StopTimeout !== null) cfg.StopTimeout = given.StopTimeout;
  const health = mergeHealth(given.Healthcheck as HealthLike | undefined | null, image.Healthcheck as HealthLike | undefined | null);
  if (health) cfg.Healthcheck = validHealth(health);
  if (cfg.WorkingDir && !cfg.WorkingDir.startsWith('/')) {
    throw new InvalidParameter(`the working directory '${cfg.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  return cfg;
}

interface HealthLike { Test?: string[] | null; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number }

/** dockerd's merge: each unset field of the request's Healthcheck comes from the image's. */
function mergeHealth(given: HealthLike | undefined | null, image: HealthLike | undefined | null): HealthLike | undefined {
  if (!given) return image ?? undefined;
  if (!image) return given;
  const out: HealthLike = { ...given };
  if (!out.Test?.length) out.Test = image.Test;
  if (!out.Interval) out.Interval = image.Interval;
  if (!out.Timeout) out.Timeout = image.Timeout;
  if (!out.StartPeriod) out.StartPeriod = image.StartPeriod;
  if (!out.Retries) out.Retries = image.Retries;
  return out;
}

/** dockerd's verifyContainerSettings for Healthcheck (durations at least 1ms, retries not negative). */
function validHealth(h: HealthLike): HealthLike {
  for (const k of ['Interval', 'Timeout', 'StartPeriod'] as const) {
    if (h[k] && h[k]! < 1_000_000) throw new InvalidParameter(`${k} in Healthcheck cannot be less than 1ms`);
  }
  if ((h.Retries ?? 0) < 0) throw new InvalidParameter('Retries in Healthcheck cannot be negative');
  // Go's HealthConfig: this field order, every field omitempty.
  const out: HealthLike = {};
  if (h.Test?.length) out.Test = h.Test;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'Retries'] as const) if (h[k]) out[k] = h[k];
  return out;
}

/** Path and Args as inspect shows them; Docker refuses a container with nothing to run. */
export function commandOf(cfg: ContainerConfig): { path: string; args: string[] } {
  const argv = [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
  if (argv.length === 0) throw new InvalidParameter('No command specified');
  return { path: argv[0]!, args: argv.slice(1) };
}
