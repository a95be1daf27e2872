// Engine API v1.41 shapes the client reads or sends. Only the fields wharf's CLI touches are typed; the
// rest pass through untouched (inspect prints the daemon's JSON as is).

export interface Port { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: Port[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string> | null;
  State: string;
  Status: string;
  Mounts?: Array<{ Name?: string; Source?: string; Type?: string }>;
  NetworkSettings?: { Networks?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[];
  Cmd?: string[] | null;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  ArgsEscaped?: boolean;
  Image?: string;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild?: string[] | null;
  Labels?: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
}

export interface HostConfig {
  Binds?: string[] | null;
  ContainerIDFile?: string;
  LogConfig?: { Type: string; Config: Record<string, string> };
  NetworkMode?: string;
  PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }>>;
  RestartPolicy?: { Name: string; MaximumRetryCount: number };
  AutoRemove?: boolean;
  VolumeDriver?: string;
  VolumesFrom?: string[] | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Dns?: string[];
  DnsOptions?: string[];
  DnsSearch?: string[];
  ExtraHosts?: string[] | null;
  Links?: string[] | null;
  Init?: boolean | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  Tmpfs?: Record<string, string>;
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpusetCpus?: string;
  PidsLimit?: number | null;
  ShmSize?: number;
  Mounts?: unknown[];
  [key: string]: unknown;
}

export interface ContainerCreateBody extends ContainerConfig {
  HostConfig: HostConfig;
  NetworkingConfig: { EndpointsConfig: Record<string, unknown> };
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  State: { Status: string; Running: boolean; Paused: boolean; ExitCode: number; Pid?: number; StartedAt?: string; FinishedAt?: string };
  Config: ContainerConfig;
  HostConfig: HostConfig;
  NetworkSettings: { Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ExecInspect { ID: string; Running: boolean; ExitCode: number | null; ProcessConfig?: unknown; [key: string]: unknown }

export interface WaitResponse { StatusCode: number; Error?: { Message: string } | null }

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

export interface ImageInspect { Id: string; RepoTags: string[]; Size: number; [key: string]: unknown }

export interface ImageHistoryItem { Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }

export interface PruneReport {
  ContainersDeleted?: string[] | null;
  ImagesDeleted?: Array<{ Untagged?: string; Deleted?: string }> | null;
  SpaceReclaimed?: number;
}

/** GET /networks entries (the fields the CLI shows). */
export interface NetworkSummary {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  Internal: boolean;
  Labels: Record<string, string> | null;
}

/** GET /volumes item and POST /volumes/create answer. */
export interface VolumeSummary {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: string;
  UsageData?: { Size: number; RefCount: number } | null;
}
