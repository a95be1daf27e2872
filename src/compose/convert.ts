// A compose service turned into Engine API bodies: the container create request with compose's labels,
// and the create requests of the project's networks and volumes.
import { createHash } from 'node:crypto';
import { parseGoDuration } from '../units/index.js';
import type { NetworkConfig, Project, ServiceConfig, ServiceNetwork, VolumeConfig } from './model.js';

/** The compose version wharf writes in com.docker.compose.version labels (the docker compose it follows). */
export const COMPOSE_VERSION = '2.20.2';

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  workingDir: 'com.docker.compose.project.working_dir',
  configFiles: 'com.docker.compose.project.config_files',
  version: 'com.docker.compose.version',
  dependsOn: 'com.docker.compose.depends_on',
  image: 'com.docker.compose.image',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

/** The hash compose keeps on each container to tell whether the service's definition changed. */
export function configHash(s: ServiceConfig): string {
  const { build: _b, scale: _s, pull_policy: _p, profiles: _pr, ...rest } = s;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** `<project>-<service>-<n>`, or the service's container_name. */
export function containerName(project: Project, s: ServiceConfig, n: number): string {
  return s.container_name ?? `${project.name}-${s.name}-${n}`;
}

function seconds(d: string | undefined): number | undefined {
  return d === undefined ? undefined : Math.round(parseGoDuration(d) / 1e9);
}

function nanos(d: string | undefined): number | undefined {
  return d === undefined ? undefined : parseGoDuration(d);
}

function restartPolicy(r: string | undefined): { Name: string; MaximumRetryCount: number } {
  if (!r || r === 'no') return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count] = r.split(':');
  return { Name: name!, MaximumRetryCount: count ? Number(count) : 0 };
}

export interface CreateRequest { name: string; body: Record<string, unknown> }

/** The POST /containers/create body for container number `n` of a service. */
export function createRequest(project: Project, s: ServiceConfig, n: number, imageId: string): CreateRequest {
  const name = containerName(project, s, n);
  const labels: Record<string, string> = {
    ...s.labels,
    [LABEL.configHash]: configHash(s),
    [LABEL.dependsOn]: Object.entries(s.depends_on).map(([d, c]) => `${d}:${c.condition}:${c.restart === true}`).join(','),
    [LABEL.image]: imageId,
    [LABEL.oneoff]: 'False',
    [LABEL.project]: project.name,
    [LABEL.configFiles]: project.configFiles.join(','),
    [LABEL.workingDir]: project.workingDir,
    [LABEL.service]: s.name,
    [LABEL.version]: COMPOSE_VERSION,
    [LABEL.number]: String(n),
  };
  const env = Object.entries(s.environment).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
  const exposed: Record<string, Record<string, never>> = {};
  for (const e of s.expose) {
    const [port, proto = 'tcp'] = e.split('/');
    exposed[`${port}/${proto}`] = {};
  }
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of s.ports) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: p.published ?? '' });
  }
  const binds: string[] = [];
  const mounts: Array<Record<string, unknown>> = [];
  for (const m of s.volumes) {
    if (m.type === 'bind') {
      // Short-syntax binds go in Binds, as compose sends them (the daemon then creates missing sources).
      const opts = [m.read_only ? 'ro' : 'rw', ...(m.bind?.propagation ? [m.bind.propagation] : [])];
      binds.push(`${m.source}:${m.target}:${opts.join(',')}`);
      continue;
    }
    const mount: Record<string, unknown> = { Type: m.type, Target: m.target, ReadOnly: m.read_only === true };
    if (m.type === 'volume') {
      mount.Source = m.source ? (project.volumes[m.source]?.name ?? m.source) : '';
      if (m.volume?.nocopy) mount.VolumeOptions = { NoCopy: true };
    }
    if (m.type === 'tmpfs' && m.tmpfs) mount.TmpfsOptions = { SizeBytes: m.tmpfs.size, Mode: m.tmpfs.mode };
    mounts.push(mount);
  }
  const tmpfs: Record<string, string> = {};
  for (const t of s.tmpfs) {
    const i = t.indexOf(':');
    if (i < 0) tmpfs[t] = ''; else tmpfs[t.slice(0, i)] = t.slice(i + 1);
  }
  const primary = serviceNetworks(s)[0];
  const networkMode = s.network_mode ?? (primary ? project.networks[primary[0]]!.name : 'default');
  const endpoints: Record<string, unknown> = {};
  if (primary && !s.network_mode) {
    const [key, cfg] = primary;
    endpoints[project.networks[key]!.name] = endpoint(s, name, cfg);
  }
  const hc = s.healthcheck;
  const body: Record<string, unknown> = {
    Hostname: s.hostname ?? '',
    Domainname: s.domainname ?? '',
    User: s.user ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Tty: s.tty === true,
    OpenStdin: s.stdin_open === true,
    StdinOnce: false,
    Env: env,
    Cmd: s.command ?? undefined,
    Entrypoint: s.entrypoint ?? undefined,
    Image: s.image,
    WorkingDir: s.working_dir ?? '',
    Labels: labels,
    StopSignal: s.stop_signal,
    StopTimeout: seconds(s.stop_grace_period),
    Healthcheck: hc ? (hc.disable ? { Test: ['NONE'] } : {
      Test: hc.test, Interval: nanos(hc.interval), Timeout: nanos(hc.timeout), Retries: hc.retries, StartPeriod: nanos(hc.start_period),
    }) : undefined,
    MacAddress: s.mac_address,
    HostConfig: {
      Binds: binds.length ? binds : undefined,
      Mounts: mounts.length ? mounts : undefined,
      NetworkMode: networkMode,
      PortBindings: bindings,
      RestartPolicy: restartPolicy(s.restart),
      VolumesFrom: s.volumes_from.length ? s.volumes_from.map((v) => volumesFrom(project, v)) : undefined,
      CapAdd: s.cap_add.length ? s.cap_add : undefined,
      CapDrop: s.cap_drop.length ? s.cap_drop : undefined,
      Dns: s.dns.length ? s.dns : undefined,
      DnsOptions: s.dns_opt.length ? s.dns_opt : undefined,
      DnsSearch: s.dns_search.length ? s.dns_search : undefined,
      ExtraHosts: s.extra_hosts.length ? s.extra_hosts : undefined,
      GroupAdd: s.group_add.length ? s.group_add : undefined,
      IpcMode: s.ipc,
      PidMode: s.pid,
      Privileged: s.privileged === true,
      ReadonlyRootfs: s.read_only === true,
      SecurityOpt: s.security_opt.length ? s.security_opt : undefined,
      Tmpfs: Object.keys(tmpfs).length ? tmpfs : undefined,
      ShmSize: s.shm_size,
      Sysctls: Object.keys(s.sysctls).length ? s.sysctls : undefined,
      Init: s.init,
      Memory: s.mem_limit ?? 0,
      NanoCpus: s.cpus ? Math.round(s.cpus * 1e9) : 0,
      PidsLimit: s.pids_limit,
      CgroupParent: s.cgroup_parent ?? '',
      Devices: s.devices.map((d) => {
        const [host, ctr = host, perms = 'rwm'] = d.split(':');
        return { PathOnHost: host, PathInContainer: ctr, CgroupPermissions: perms };
      }),
      Ulimits: Object.entries(s.ulimits).map(([n, u]) => ({ Name: n, Soft: u.soft, Hard: u.hard })),
      LogConfig: s.logging?.driver || s.logging?.options ? { Type: s.logging.driver ?? '', Config: s.logging.options ?? {} } : undefined,
    },
    NetworkingConfig: { EndpointsConfig: endpoints },
  };
  return { name, body };
}

/**
 * The service's networks, highest `priority` first (compose-go's NetworksByPriority): the first is the one the
 * container is created on, the others are connected before start. Equal priorities keep the file's order
 * (compose-go leaves them in map order, i.e. random).
 */
export function serviceNetworks(s: ServiceConfig): Array<[string, ServiceNetwork | null]> {
  return Object.entries(s.networks ?? {}).sort(([, a], [, b]) => (b?.priority ?? 0) - (a?.priority ?? 0));
}

/** An endpoint's settings on one of the service's networks: the service name (and container name) as aliases. */
export function endpoint(s: ServiceConfig, name: string, cfg: ServiceConfig['networks'] extends Record<string, infer T> | undefined ? T : never): Record<string, unknown> {
  const aliases = [name, s.name, ...(cfg?.aliases ?? [])];
  const ep: Record<string, unknown> = { Aliases: aliases.filter((a, i) => aliases.indexOf(a) === i) };
  if (cfg?.ipv4_address || cfg?.ipv6_address) ep.IPAMConfig = { IPv4Address: cfg.ipv4_address, IPv6Address: cfg.ipv6_address };
  return ep;
}

/** volumes_from names a service (its first container) or `container:<name>`. */
function volumesFrom(project: Project, v: string): string {
  if (v.startsWith('container:')) return v.slice('container:'.length);
  const [svc, mode] = v.split(':');
  const target = project.services[svc!];
  const name = target ? containerName(project, target, 1) : svc!;
  return mode ? `${name}:${mode}` : name;
}

export function networkCreateBody(project: Project, key: string, n: NetworkConfig): Record<string, unknown> {
  return {
    Name: n.name,
    CheckDuplicate: true,
    Driver: n.driver ?? 'bridge',
    Internal: n.internal === true,
    Attachable: n.attachable === true,
    EnableIPv6: n.enable_ipv6 === true,
    Options: n.driver_opts ?? {},
    IPAM: n.ipam ? { Driver: n.ipam.driver ?? 'default', Config: (n.ipam.config ?? []).map((c) => ({ Subnet: c.subnet, Gateway: c.gateway, IPRange: c.ip_range })) } : undefined,
    Labels: { ...n.labels, [LABEL.network]: key, [LABEL.project]: project.name, [LABEL.version]: COMPOSE_VERSION },
  };
}

export function volumeCreateBody(project: Project, key: string, v: VolumeConfig): Record<string, unknown> {
  return {
    Name: v.name,
    Driver: v.driver ?? 'local',
    DriverOpts: v.driver_opts ?? {},
    Labels: { ...v.labels, [LABEL.project]: project.name, [LABEL.version]: COMPOSE_VERSION, [LABEL.volume]: key },
  };
}
