// Typed instructions, what BuildKit's instructions package makes of the AST. Lifecycle: parseDockerfile ->
// AST -> instructionsFromAst -> these objects, which the builder later expands (see EXPANDS) and executes.
// Values are as written: quotes and variables are still in them; only the parser's own splitting is done.
import type { Heredoc } from './node.js';

export interface InstructionBase {
  /** 1-based first and last line (heredoc bodies included). */
  line: number;
  endLine: number;
  /** The logical line as written (continuations joined). */
  original: string;
  /** `--flag[=value]` words as written; their parsed values are typed fields below. */
  flags: string[];
  /** Comment lines directly above the instruction. */
  comments: string[];
}

/** A COPY/ADD heredoc source, written to a file named after the delimiter. */
export interface SourceContent {
  path: string;
  data: string;
  expand: boolean;
}

export interface KeyValue {
  key: string;
  value: string;
  /** Legacy `ENV key value` form (no `=`). */
  noDelim: boolean;
}

/** Exec form (json) runs `command` as argv; shell form is one string run through SHELL. */
export interface CommandLine {
  command: string[];
  prependShell: boolean;
  /** Heredocs named on the line (RUN's inline files). */
  heredocs: Heredoc[];
}

export interface FromInstruction extends InstructionBase { kind: 'from'; image: string; stageName?: string; platform?: string }
export interface RunInstruction extends InstructionBase, CommandLine {
  kind: 'run'; mounts: string[]; network?: string; security?: string; devices: string[];
}
export interface CmdInstruction extends InstructionBase, CommandLine { kind: 'cmd' }
export interface EntrypointInstruction extends InstructionBase, CommandLine { kind: 'entrypoint' }
export interface ShellInstruction extends InstructionBase { kind: 'shell'; shell: string[] }
export interface CopyInstruction extends InstructionBase {
  kind: 'copy'; sources: string[]; contents: SourceContent[]; dest: string;
  from?: string; chown?: string; chmod?: string; link: boolean; parents: boolean; exclude: string[];
}
export interface AddInstruction extends InstructionBase {
  kind: 'add'; sources: string[]; contents: SourceContent[]; dest: string;
  chown?: string; chmod?: string; link: boolean; keepGitDir?: boolean; checksum?: string; unpack?: boolean;
  exclude: string[];
}
export interface EnvInstruction extends InstructionBase { kind: 'env'; pairs: KeyValue[] }
export interface LabelInstruction extends InstructionBase { kind: 'label'; pairs: KeyValue[] }
export interface ArgInstruction extends InstructionBase { kind: 'arg'; args: Array<{ key: string; value?: string }> }
export interface ExposeInstruction extends InstructionBase { kind: 'expose'; ports: string[] }
export interface VolumeInstruction extends InstructionBase { kind: 'volume'; volumes: string[] }
export interface UserInstruction extends InstructionBase { kind: 'user'; user: string }
export interface WorkdirInstruction extends InstructionBase { kind: 'workdir'; path: string }
export interface StopsignalInstruction extends InstructionBase { kind: 'stopsignal'; signal: string }
export interface MaintainerInstruction extends InstructionBase { kind: 'maintainer'; maintainer: string }
/** Durations in nanoseconds, 0 when not given (Docker's HealthConfig). `test` is ["NONE"] or ["CMD"|"CMD-SHELL", ...]. */
export interface HealthcheckInstruction extends InstructionBase {
  kind: 'healthcheck'; test: string[]; interval: number; timeout: number; startPeriod: number;
  startInterval: number; retries: number;
}
/** The trigger as text, stored in the image config and parsed again by the child build. */
export interface OnbuildInstruction extends InstructionBase { kind: 'onbuild'; expression: string }

export type Instruction =
  | FromInstruction | RunInstruction | CmdInstruction | EntrypointInstruction | ShellInstruction
  | CopyInstruction | AddInstruction | EnvInstruction | LabelInstruction | ArgInstruction
  | ExposeInstruction | VolumeInstruction | UserInstruction | WorkdirInstruction | StopsignalInstruction
  | MaintainerInstruction | HealthcheckInstruction | OnbuildInstruction;

export type InstructionKind = Instruction['kind'];

// Instructions whose arguments the builder runs through ShellLex, as listed under "Environment replacement"
// in the Dockerfile reference (ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER VOLUME WORKDIR, and ONBUILD
// when combined with one of these), plus ARG, whose default values BuildKit expands too (ArgCommand.Expand).
// RUN/CMD/ENTRYPOINT are left to the shell; BuildKit expands only RUN's --mount options.
export const EXPANDS: ReadonlySet<string> = new Set([
  'add', 'copy', 'env', 'expose', 'from', 'label', 'stopsignal', 'user', 'volume', 'workdir', 'onbuild', 'arg',
]);
