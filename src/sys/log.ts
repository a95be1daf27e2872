// Daemon-side logging to stderr. Library code logs through here and never writes to stdout.
let debugEnabled = process.env.WHARF_DEBUG === '1';

export function setDebug(on: boolean): void { debugEnabled = on; }
export function isDebug(): boolean { return debugEnabled; }

export function debug(scope: string, message: string): void {
  if (debugEnabled) process.stderr.write(`${new Date().toISOString()} DEBU [${scope}] ${message}\n`);
}
export function info(scope: string, message: string): void {
  process.stderr.write(`${new Date().toISOString()} INFO [${scope}] ${message}\n`);
}
export function warn(scope: string, message: string): void {
  process.stderr.write(`${new Date().toISOString()} WARN [${scope}] ${message}\n`);
}
export function error(scope: string, message: string): void {
  process.stderr.write(`${new Date().toISOString()} ERRO [${scope}] ${message}\n`);
}
