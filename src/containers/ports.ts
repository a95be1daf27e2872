// What the container manager needs from the subsystems below it. The daemon passes the real ImageStore,
// Snapshotter and Runtime; tests may pass fakes. Keeping these narrow keeps containers/ honest about
// what it uses.
import type { Readable, Writable } from 'node:stream';
import type { SpecOptions } from '../runtime/index.js';

export interface ImageInfo {
  id: string;
  /** The image's config.config section (Env, Cmd, Entrypoint, ...). */
  config: Record<string, unknown>;
  /** Parent snapshot (layer chain) for a container's rootfs; undefined for an image with no layers. */
  chainId: string | undefined;
  repoTags: string[];
}

export interface ImagePort {
  /** Resolves a reference; throws NotFound("No such image: x"). */
  lookup(ref: string): Promise<ImageInfo>;
}

export interface SnapshotPort {
  prepare(key: string, parent: string | undefined, opts?: { init?: boolean }): Promise<unknown>;
  mount(key: string, target: string): Promise<void>;
  unmount(key: string): Promise<void>;
  remove(key: string): Promise<void>;
  usage(key: string): Promise<number>;
  /** Bytes of the image layers below the snapshot (SizeRootFs = usage + parentSize). */
  parentSize(key: string): number;
  changes(key: string): Promise<Array<{ Path: string; Kind: number }>>;
  graphDriver(key: string): { Name: string; Data: Record<string, string> | null };
}

export interface ExitStatus { exitCode: number; oomKilled: boolean; finishedAt: string }

export interface LogEntry { stream: 'stdout' | 'stderr'; time: string; data: Buffer }

export interface LogOptions {
  follow?: boolean; since?: number; until?: number; tail?: number; timestamps?: boolean;
  stdout?: boolean; stderr?: boolean; signal?: AbortSignal; isRunning?: () => boolean;
}

export interface AttachHandle {
  /** The container's stdin; end() delivers EOF. */
  stdin: Writable;
  /** Object-mode stream of { stream, data } from now on; ends when the container exits. */
  output: Readable;
  resize(height: number, width: number): void;
  close(): void;
}

export interface RuntimePort {
  buildSpec(opts: SpecOptions): object;
  resolveUser(rootfs: string, user: string): Promise<{ uid: number; gid: number; additionalGids: number[] }>;
  create(id: string, opts: { bundleDir: string; spec: object; logPath: string; tty: boolean; openStdin: boolean; logMaxSize?: number }): Promise<{ pid: number }>;
  start(id: string): Promise<void>;
  kill(id: string, signal: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  delete(id: string): Promise<void>;
  state(id: string): Promise<{ status: string; pid: number } | undefined>;
  exitStatus(id: string): Promise<ExitStatus | undefined>;
  watchExits(cb: (id: string, status: ExitStatus) => void): void;
  attach(id: string, logPath?: string): Promise<AttachHandle>;
  readLogs(logPath: string, opts: LogOptions): AsyncIterable<LogEntry>;
}

export interface ExecProcessPort {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  exit: Promise<number>;
  pid: Promise<number>;
  startError: Promise<string | undefined>;
  /** Present with a terminal (tty): resizes it. */
  resize?(height: number, width: number): Promise<void>;
}

export interface ExecRunner {
  exec(id: string, o: { args: string[]; env?: string[]; cwd?: string; user?: string; privileged?: boolean; tty?: boolean }): Promise<ExecProcessPort>;
}
