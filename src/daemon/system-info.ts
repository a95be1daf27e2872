// GET /version and GET /info in Docker 20.10's shapes, from facts about this host gathered once.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, hostname, release, totalmem, arch } from 'node:os';
import { createHash } from 'node:crypto';
import { initBinary } from '../containers/index.js';
import { run } from '../sys/index.js';
import { API_VERSION, MIN_API_VERSION, VERSION } from './version.js';

/** The Docker release whose behaviour wharf follows; clients that gate on the engine version see this. */
export const DOCKER_COMPAT_VERSION = '20.10.24';

const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
const UNAME_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i686' };

export const goArch = GO_ARCH[arch()] ?? arch();

function osRelease(): { name: string; version: string } {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const get = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?`, 'm').exec(text)?.[1] ?? '';
    return { name: get('PRETTY_NAME') || 'Linux', version: get('VERSION_ID') };
  } catch {
    return { name: 'Linux', version: '' };
  }
}

export function cgroupVersion(): '1' | '2' {
  try { readFileSync('/sys/fs/cgroup/cgroup.controllers'); return '2'; } catch { return '1'; }
}

export interface EngineFacts {
  dataRoot: string;
  runtime: string;
  /** "1.1.5+ds1" from `runc --version`'s first line. */
  runtimeVersion: string;
  /** Its "commit:" line ("1.1.5+ds1-1+deb12u1"), which dockerd shows as RuncCommit and the runc component's GitCommit. */
  runtimeCommit: string;
  debug: boolean;
  /** `docker-init --version` parsed (tini's); undefined when no init binary is installed. */
  init?: { version: string; commit: string };
}

/**
 * dockerd's parseInitVersion: "tini version 0.19.0 - git.de40ad0" -> 0.19.0 and de40ad0 (Debian's tini prints no
 * git part, so its commit is ""); undefined for any other output, as dockerd then leaves the component out.
 */
export function parseInitVersion(text: string): { version: string; commit: string } | undefined {
  const parts = text.split(' - ');
  const git = parts[1]?.trim().split('.');
  const commit = git?.length === 2 && git[0] === 'git' ? git[1]! : '';
  const head = parts[0]!.trim();
  const version = head.startsWith('tini version ') ? head.slice('tini version '.length) : '';
  return version || commit ? { version, commit } : undefined;
}

/** The init binary's version for /version's docker-init component, like dockerd's. */
export async function initVersion(): Promise<{ version: string; commit: string } | undefined> {
  let binary: string;
  try { binary = initBinary(); } catch { return undefined; }
  const r = await run([binary, '--version'], { allowFailure: true, timeout: 5000 }).catch(() => undefined);
  return parseInitVersion(r?.stdout ?? '');
}

/** Descriptors this process holds (dockerd's NFd). */
function openFds(): number {
  try { return readdirSync('/proc/self/fd').length; } catch { return 0; }
}

export function versionInfo(facts: EngineFacts): Record<string, unknown> {
  const buildTime = '2026-11-23T00:00:00.000000000+00:00';
  return {
    // dockerd 20.10 leaves the platform name empty (`docker version` prints a bare "Server:").
    Platform: { Name: '' },
    Components: [
      { Name: 'Engine', Version: DOCKER_COMPAT_VERSION, Details: { ApiVersion: API_VERSION, Arch: goArch, BuildTime: buildTime, Experimental: 'false', GitCommit: 'wharf', GoVersion: `node${process.versions.node}`, KernelVersion: release(), MinAPIVersion: MIN_API_VERSION, Os: 'linux' } },
      { Name: 'wharf', Version: VERSION, Details: { GitCommit: '' } },
      { Name: facts.runtime, Version: facts.runtimeVersion, Details: { GitCommit: facts.runtimeCommit } },
      ...(facts.init ? [{ Name: 'docker-init', Version: facts.init.version, Details: { GitCommit: facts.init.commit } }] : []),
    ],
    Version: DOCKER_COMPAT_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: 'wharf',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: goArch,
    KernelVersion: release(),
    BuildTime: buildTime,
  };
}

export interface Counts { containers: number; running: number; paused: number; stopped: number; images: number }

export function systemInfo(facts: EngineFacts, counts: Counts, eventListeners: number): Record<string, unknown> {
  const os = osRelease();
  const id = createHash('sha256').update(`${hostname()}:${facts.dataRoot}`).digest('hex').toUpperCase().slice(0, 48).match(/.{4}/g)!.join(':');
  return {
    ID: id,
    Containers: counts.containers,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.stopped,
    Images: counts.images,
    Driver: 'overlay2',
    DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file', 'k8s-file'] },
    MemoryLimit: true, SwapLimit: true, KernelMemory: false, KernelMemoryTCP: false,
    CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
    IPv4Forwarding: true, BridgeNfIptables: true, BridgeNfIp6tables: true,
    Debug: facts.debug,
    NFd: openFds(),
    OomKillDisable: true,
    // Node has no goroutines; the nearest honest count is the event loop's live handles and requests.
    NGoroutines: process.getActiveResourcesInfo().length,
    SystemTime: new Date().toISOString().replace('Z', '000000Z'),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: cgroupVersion(),
    NEventsListener: eventListeners,
    KernelVersion: release(),
    OperatingSystem: os.name,
    OSVersion: os.version,
    OSType: 'linux',
    Architecture: UNAME_ARCH[arch()] ?? arch(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: {
      AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [],
      InsecureRegistryCIDRs: ['127.0.0.0/8'],
      IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
      Mirrors: [],
    },
    NCPU: cpus().length,
    MemTotal: totalmem(),
    GenericResources: null,
    DockerRootDir: facts.dataRoot,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
    HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: DOCKER_COMPAT_VERSION,
    Runtimes: { [facts.runtime]: { path: facts.runtime } },
    DefaultRuntime: facts.runtime,
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: 'docker-init',
    ContainerdCommit: { ID: '', Expected: '' },
    RuncCommit: { ID: facts.runtimeCommit, Expected: facts.runtimeCommit },
    InitCommit: { ID: facts.init?.commit ?? '', Expected: facts.init?.commit ?? '' },
    SecurityOptions: ['name=seccomp,profile=default'],
    Warnings: null,
  };
}
