// sys/: the only doors to child processes (exec.ts), FFI syscalls (native.ts) and daemon logging (log.ts).
export { run, start, which, ExecError } from './exec.js';
export type { RunOptions, RunResult } from './exec.js';
export * as native from './native.js';
export { debug, info, warn, error, setDebug, isDebug } from './log.js';
