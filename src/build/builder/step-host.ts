// What the dispatcher needs from the build it belongs to (output, cache, build args, snapshots, containers).
import type { AddInstruction, CopyInstruction } from '../parser/instruction-types.js';
import type { RootView } from './root-view.js';
import type { Dispatcher, StageState } from './dispatch.js';
import type { BuildPorts, Json, RunResult } from './types.js';

export interface StepHost {
  readonly ports: BuildPorts;
  out(text: string): void;
  /** Adopts a cached image for this step and says so; false on a miss (or with --no-cache). */
  tryCache(st: StageState, probe: Json): Promise<boolean>;
  remember(key: string, imageId: string): Promise<void>;
  /** A build arg's value: --build-arg, else the stage's default, else the global ARG's. */
  argValue(key: string, stageDefault: string | undefined, declared: boolean): string | undefined;
  referenceArg(key: string): void;
  copy(st: StageState, ins: CopyInstruction | AddInstruction, d: Dispatcher): Promise<void>;
  /** Runs `fn` on a writable snapshot over the stage's image, then `commit` with the snapshot's key. */
  inSnapshot(st: StageState, fn: (view: RootView) => Promise<void>, commit: (key: string) => Promise<void>): Promise<void>;
  mkdirInRoot(view: RootView, path: string): Promise<void>;
  runContainer(st: StageState, config: Json): Promise<RunResult>;
  failedContainer(res: RunResult): Promise<void>;
}
