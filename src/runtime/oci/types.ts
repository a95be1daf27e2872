// The subset of the OCI runtime config.json (runtime-spec 1.0.2) that wharf writes. Field names are the
// spec's; optional fields are omitted rather than null so the file validates against the OCI schema.

export interface OciMount { destination: string; type: string; source: string; options?: string[] }
export interface OciNamespace { type: 'pid' | 'ipc' | 'uts' | 'mount' | 'network' | 'user' | 'cgroup'; path?: string }
export interface OciDeviceRule { allow: boolean; type?: 'a' | 'c' | 'b'; major?: number; minor?: number; access?: string }
export interface OciDevice { path: string; type: 'c' | 'b' | 'p' | 'u'; major: number; minor: number; fileMode?: number; uid?: number; gid?: number }
export interface OciRlimit { type: string; hard: number; soft: number }
export interface OciCapabilities { bounding: string[]; effective: string[]; permitted: string[]; inheritable?: string[]; ambient?: string[] }

export interface OciSeccompArg { index: number; value: number; valueTwo?: number; op: string }
export interface OciSeccompSyscall { names: string[]; action: string; errnoRet?: number; args?: OciSeccompArg[] }
export interface OciSeccomp { defaultAction: string; defaultErrnoRet?: number; architectures?: string[]; syscalls?: OciSeccompSyscall[] }

export interface OciResources {
  devices: OciDeviceRule[];
  memory?: { limit?: number; swap?: number; reservation?: number; disableOOMKiller?: boolean; swappiness?: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: { weight?: number };
}

export interface OciProcess {
  terminal?: boolean;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
  apparmorProfile?: string;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts: OciMount[];
  linux: {
    sysctl?: Record<string, string>;
    resources: OciResources;
    cgroupsPath: string;
    namespaces: OciNamespace[];
    devices?: OciDevice[];
    seccomp?: OciSeccomp;
    maskedPaths?: string[];
    readonlyPaths?: string[];
  };
}
