// The builder's view of the daemon. Lifecycle of a build: the context tar is received onto disk
// (context.ts), the Dockerfile parsed and split into stages, the stages the target needs are dispatched one
// instruction at a time; every instruction ends in a commit (an intermediate image whose parent is the
// previous step's image, like Docker's legacy builder) or a cache hit that adopts an earlier commit. RUN
// steps run in real containers through RunPort; COPY/ADD/WORKDIR write into a snapshot prepared here.
import type { ImageStore } from '../../images/index.js';
import type { Snapshotter } from '../../snapshots/index.js';

export type Json = Record<string, unknown>;

export interface RunOptions {
  image: string;
  config: Json;
  networkMode: string;
  /** --add-host entries ("host:ip") for the step's /etc/hosts. */
  extraHosts?: string[];
  onStart(containerId: string): void;
  onOutput(stream: 'stdout' | 'stderr', data: Buffer): void;
  signal?: AbortSignal;
}

export interface RunResult {
  containerId: string;
  exitCode: number;
  /** The container's writable snapshot, committed as the step's layer. */
  snapshotKey: string;
  remove(): Promise<void>;
}

export interface BuildPorts {
  dataRoot: string;
  images: ImageStore;
  snapshots: Snapshotter;
  runContainer(opts: RunOptions): Promise<RunResult>;
  /** Pulls `ref` (progress messages forwarded); absent when the daemon has no registry access. */
  pull?(ref: string, emit: (m: Json) => void, signal?: AbortSignal): Promise<void>;
}

export interface BuildOptions {
  tags: string[];
  dockerfile: string;
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  quiet: boolean;
  rm: boolean;
  forceRm: boolean;
  networkMode: string;
  extraHosts?: string[];
  /** --cache-from: when given, only these images and their ancestors may serve as cache (dockerd's classic builder). */
  cacheFrom?: string[];
}
