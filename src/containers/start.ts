// Starting a container's process: mount its rootfs, write /etc files, turn the record into an OCI spec,
// and hand it to the runtime's monitor. Returns the container's pid.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { Conflict } from '../errors.js';
import { writeEtcFiles } from './etc-files.js';
import { resolveLinks } from './links.js';
import { setupMounts } from './mounts.js';
import { checkUlimits, deviceCgroupRules, deviceSpecs, extraGroups, initBinary, type DeviceMapping, type Ulimit } from './host-resources.js';
import type { ContainerManager } from './manager.js';
import type { ContainerRecord } from './types.js';
import { daemonEnvironment } from './daemon-env.js';

/** Docker's `--network` modes without a network controller (unit tests): default/bridge share the host's stack. */
export function networkNamespace(mode: string): 'host' | 'new' | { path: string } {
  if (mode === 'none') return 'new';
  if (mode.startsWith('container:')) return { path: mode.slice('container:'.length) };
  return 'host';
}

/**
 * The container's network namespace: the host's, a fresh one with loopback only (none), another running
 * container's (container:<name|id>), or a sandbox the network controller sets up (bridge networks).
 */
async function networkFor(m: ContainerManager, rec: ContainerRecord, mode: string): Promise<{ ns: 'host' | 'new' | { path: string }; ip?: string; ips?: string[]; embeddedDns?: boolean; ready?: Promise<void>; ipv6?: boolean }> {
  const network = m.deps.network;
  if (!network) return { ns: networkNamespace(mode) };
  if (mode === 'host') return { ns: 'host' };
  if (mode.startsWith('container:')) {
    const other = m.store.get(mode.slice('container:'.length));
    if (other.State.Status !== 'running' || !other.State.Pid) throw new Conflict(`cannot join network of a non running container: ${other.Id}`);
    return { ns: { path: `/proc/${other.State.Pid}/ns/net` } };
  }
  const sb = await network.setup({
    containerId: rec.Id, name: rec.Name.slice(1), mode,
    portBindings: rec.HostConfig.PortBindings as never, publishAll: rec.HostConfig.PublishAllPorts === true, exposed: rec.Config.ExposedPorts,
    dns: { dns: rec.HostConfig.Dns as string[] | null, dnsSearch: rec.HostConfig.DnsSearch as string[] | null, dnsOptions: rec.HostConfig.DnsOptions as string[] | null },
    macAddress: rec.Config.MacAddress,
  });
  return { ns: { path: sb.key }, ip: sb.ip, ips: sb.endpoints.map((e) => e.IP), embeddedDns: sb.embeddedDns, ready: sb.ready, ipv6: sb.endpoints.some((e) => e.IP6) };
}

/**
 * `--network container:X`: like dockerd's initializeNetworking, the container takes X's hostname and
 * domainname and mounts X's hosts, resolv.conf and hostname files (an edit in one shows in the other).
 * Returns that directory, or undefined when the container has files of its own.
 */
function shareEtcFiles(m: ContainerManager, rec: ContainerRecord, mode: string): string | undefined {
  if (!mode.startsWith('container:')) {
    delete rec.EtcDir;
    return undefined;
  }
  const owner = m.store.get(mode.slice('container:'.length));
  rec.Config.Hostname = owner.Config.Hostname;
  rec.Config.Domainname = owner.Config.Domainname;
  rec.EtcDir = owner.EtcDir ?? m.store.dir(owner.Id);
  return rec.EtcDir;
}

/** `onCreated` runs between the runtime's create and start: waiting attachments connect there. */
export async function startProcess(m: ContainerManager, rec: ContainerRecord, onCreated: () => Promise<void>): Promise<number> {
  const { runtime, snapshots } = m.deps;
  const dir = m.store.dir(rec.Id);
  const rootfs = m.rootfs(rec.Id);
  const netMode = rec.HostConfig.NetworkMode === 'default' ? 'bridge' : rec.HostConfig.NetworkMode;
  // The network sandbox (a few `ip` processes) is set up while the rootfs is mounted and read; both are
  // awaited before either failure is reported, so the caller's cleanup never races a half-done step.
  const network = networkFor(m, rec, netMode);
  const fs = (async () => {
    await mkdir(rootfs, { recursive: true });
    await snapshots.mount(rec.Id, rootfs);
    const userMounts = await setupMounts(rec, rootfs, m.deps.volumes);
    const resolved = await runtime.resolveUser(rootfs, rec.Config.User);
    const groups = await extraGroups(rootfs, rec.HostConfig.GroupAdd as string[] | null);
    return { userMounts, user: { ...resolved, additionalGids: [...new Set([...resolved.additionalGids, ...groups])] } };
  })();
  const [netResult, fsResult] = await Promise.allSettled([network, fs]);
  if (netResult.status === 'rejected') throw netResult.reason;
  if (fsResult.status === 'rejected') throw fsResult.reason;
  const { ns: net, ip, ips, embeddedDns, ready: netReady, ipv6 } = netResult.value;
  const { userMounts, user } = fsResult.value;
  const links = netMode === 'bridge' ? resolveLinks(m.store, rec, (id) => m.deps.network?.bridgeIp(id)) : { hosts: [], env: [] };
  const etcDir = shareEtcFiles(m, rec, netMode) ?? dir;
  if (etcDir === dir) await writeEtcFiles(dir, {
    hostname: rec.Config.Hostname,
    domainname: rec.Config.Domainname,
    networkMode: net === 'host' ? 'host' : netMode,
    ip,
    ips,
    embeddedDns,
    hostGateway: m.deps.network?.hostGatewayIp(),
    hostResolvConf: await m.deps.network?.dns.hostResolvConf(),
    extraHosts: rec.HostConfig.ExtraHosts as string[] | null,
    links: links.hosts,
    dns: rec.HostConfig.Dns as string[],
    dnsSearch: rec.HostConfig.DnsSearch as string[],
    dnsOptions: rec.HostConfig.DnsOptions as string[],
  });
  const hc = rec.HostConfig;
  const devices = deviceSpecs(hc.Devices as DeviceMapping[] | null);
  const spec = runtime.buildSpec({
    id: rec.Id,
    rootfs,
    readonlyRootfs: hc.ReadonlyRootfs,
    args: [rec.Path, ...rec.Args],
    env: daemonEnvironment(rec.Config.Env ?? [], rec.Config.Hostname, rec.Config.Tty, links.env),
    cwd: rec.Config.WorkingDir || '/',
    user,
    hostname: rec.Config.Hostname,
    domainname: rec.Config.Domainname,
    tty: rec.Config.Tty,
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    privileged: hc.Privileged,
    memory: hc.Memory || undefined,
    memorySwap: hc.MemorySwap || undefined,
    nanoCpus: hc.NanoCpus || undefined,
    cpuShares: hc.CpuShares || undefined,
    cpuQuota: hc.CpuQuota || undefined,
    cpuPeriod: hc.CpuPeriod || undefined,
    pidsLimit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : undefined,
    shmSize: hc.ShmSize,
    network: net,
    // IPv6 stays on in a namespace with an IPv6 endpoint (the runtime's default switches it off).
    sysctls: { ...(ipv6 ? { 'net.ipv6.conf.all.disable_ipv6': '0', 'net.ipv6.conf.default.disable_ipv6': '0' } : {}), ...((hc.Sysctls as Record<string, string> | undefined) ?? {}) },
    cgroupParent: (hc.CgroupParent as string) || undefined,
    maskedPaths: hc.MaskedPaths as string[] | null,
    readonlyPaths: hc.ReadonlyPaths as string[] | null,
    securityOpt: (hc.SecurityOpt as string[] | null) ?? [],
    ulimits: checkUlimits(hc.Ulimits as Ulimit[] | null),
    devices: devices.devices,
    deviceRules: [...devices.rules, ...deviceCgroupRules(hc.DeviceCgroupRules as string[] | null)],
    oomKillDisable: hc.OomKillDisable === true,
    initPath: hc.Init === true ? initBinary() : undefined,
    mounts: [
      { destination: '/etc/resolv.conf', source: join(etcDir, 'resolv.conf'), type: 'bind', options: ['rbind', 'rprivate'] },
      { destination: '/etc/hostname', source: join(etcDir, 'hostname'), type: 'bind', options: ['rbind', 'rprivate'] },
      { destination: '/etc/hosts', source: join(etcDir, 'hosts'), type: 'bind', options: ['rbind', 'rprivate'] },
      ...userMounts,
    ],
  });
  const bundleDir = join(dir, 'bundle');
  await mkdir(bundleDir, { recursive: true });
  const logMax = logSizeMax(hc.LogConfig.Config);
  const { pid } = await runtime.create(rec.Id, { bundleDir, spec, logPath: m.logPath(rec.Id), tty: rec.Config.Tty, openStdin: rec.Config.OpenStdin, logMaxSize: logMax });
  await onCreated();
  await netReady; // the namespace's interfaces, configured meanwhile (createSandbox)
  await runtime.start(rec.Id);
  return pid;
}

/**
 * conmon's --log-size-max for Docker's json-file `max-size` and `max-file` (default 1). Docker rotates
 * (container.log, .1, .2, ... each at most max-size) and `docker logs` reads across the files, so it keeps
 * between (max-file - 1) and max-file times max-size of recent output. conmon cannot rotate: past the limit
 * it truncates its one file and starts again. We give it Docker's whole budget, max-size x max-file, so the
 * disk bound matches Docker's; the difference is that right after a truncation `logs` shows less history
 * than Docker would (as little as the last line) instead of at least (max-file - 1) x max-size.
 */
export function logSizeMax(config: Record<string, string>): number | undefined {
  const size = parseSize(config['max-size']);
  if (size === undefined || size <= 0) return undefined;
  const files = Number.parseInt(config['max-file'] ?? '1', 10);
  return size * (Number.isFinite(files) && files > 1 ? files : 1);
}

function parseSize(s: string | undefined): number | undefined {
  if (!s) return undefined;
  // go-units' RAMInBytes, which json-file uses: binary multiples, optional "i" and "b".
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)i?b?$/i.exec(s.trim());
  if (!m) return undefined;
  const mult = 1024 ** ['', 'k', 'm', 'g', 't', 'p'].indexOf(m[2]!.toLowerCase());
  return Math.floor(Number(m[1]) * mult);
}
