// Container records.
import type { MountPoint } from '../volumes/index.js';
//
// Lifecycle (Docker's states, as `State.Status` shows them):
//   create -> "created" --start--> "running" <--pause/unpause--> "paused"
//   "running" --process exits (monitor's exit file)--> "exited" --start--> "running" ...
//   any state --rm--> "removing" -> gone.  A record that failed half-way through removal is "dead".
// The record is the daemon's memory of a container; the monitor (conmon) owns the process, its stdio, log
// and exit code, so a record marked "running" is reconciled with the runtime when the daemon starts.

/** The Engine API's container Config (as sent to POST /containers/create, merged with the image's defaults). */
export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: unknown;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  MacAddress?: string;
  [key: string]: unknown;
}

/** The subset of HostConfig wharf acts on; the whole object is kept and echoed by inspect. */
export interface HostConfig {
  AutoRemove: boolean;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Memory: number;
  MemorySwap: number;
  NanoCpus: number;
  CpuShares: number;
  CpuQuota: number;
  CpuPeriod: number;
  PidsLimit: number | null;
  NetworkMode: string;
  RestartPolicy: { Name: string; MaximumRetryCount: number };
  LogConfig: { Type: string; Config: Record<string, string> };
  ShmSize: number;
  Binds: string[] | null;
  [key: string]: unknown;
}

export type Status = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: Status;
  Pid: number;
  ExitCode: number;
  Error: string;
  OOMKilled: boolean;
  StartedAt: string;
  FinishedAt: string;
  /** Only for containers with a health probe (health.ts). */
  Health?: HealthState;
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  /** The last 5 probe results; times RFC 3339 with nanoseconds. */
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

export interface ContainerRecord {
  Id: string;
  /** RFC 3339 with nanoseconds, like Docker. */
  Created: string;
  /** With the leading slash, as Docker stores it. */
  Name: string;
  Path: string;
  Args: string[];
  Config: ContainerConfig;
  HostConfig: HostConfig;
  /** Image ID (sha256:...). */
  Image: string;
  State: ContainerState;
  RestartCount: number;
  /** True when the user asked to stop it (restart policies and `unless-stopped` look at this). */
  HasBeenManuallyStopped: boolean;
  /** Volumes, binds and tmpfs mounts (mounts.ts), fixed at create like dockerd's MountPoints. */
  MountPoints?: MountPoint[];
  /**
   * Where its /etc/hosts, resolv.conf and hostname live when that is not its own directory: with
   * `--network container:X` dockerd gives the container X's files (and X's hostname) at each start.
   */
  EtcDir?: string;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';
