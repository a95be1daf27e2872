// THE one mapping from error kinds (src/errors.ts) to HTTP statuses and Docker's error bodies. Routes never
// pick a status for a failure themselves: they throw a WharfError and the server writes it through here.
import type { ServerResponse } from 'node:http';
import { WharfError, type ErrorKind } from '../errors.js';
import { goStringify } from './go-stringify.js';
import { error as logError } from '../sys/index.js';

const STATUS: Record<ErrorKind, number> = {
  'not-found': 404,
  'invalid-parameter': 400,
  conflict: 409,
  'not-modified': 304,
  unauthorized: 401,
  forbidden: 403,
  'not-implemented': 501,
  unavailable: 503,
  system: 500,
};

/** The status dockerd answers for `err`; anything unclassified is a 500. */
export function statusOf(err: unknown): number {
  return err instanceof WharfError ? STATUS[err.kind] : 500;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Unclassified errors are bugs or unexpected system failures: keep their stack in the daemon log. */
export function logUnclassified(err: unknown, where: string): void {
  if (err instanceof WharfError && err.kind !== 'system') return;
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  logError('api', `${where}: ${detail}`);
}

/**
 * Writes `err` as a complete response: `{"message": ...}` with its status, or a bare 304 (docker sends no
 * body and no Content-Type for NotModified). If headers already went out, the connection is ended instead.
 */
export function writeError(res: ServerResponse, err: unknown, where: string): void {
  logUnclassified(err, where);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = statusOf(err);
  if (status === 304) {
    res.writeHead(304);
    res.end();
    return;
  }
  const body = goStringify({ message: messageOf(err) }) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The in-band error message of a JSON progress stream, as docker's streamformatter writes it. */
export function progressError(err: unknown, where: string): Record<string, unknown> {
  logUnclassified(err, where);
  const message = messageOf(err);
  return { errorDetail: { message }, error: message };
}
