// Error kinds shared by every subsystem. A kind says what went wrong in Docker's terms; api/errors.ts is the
// one place that turns a kind into an HTTP status, and client/ turns the status back into the same class.
// Test a kind with the predicates below, never by message. Messages are Docker's exact text.

export type ErrorKind =
  | 'not-found'
  | 'invalid-parameter'
  | 'conflict'
  | 'not-modified'
  | 'unauthorized'
  | 'forbidden'
  | 'not-implemented'
  | 'unavailable'
  | 'system';

export class WharfError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }
}

export class NotFound extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('not-found', message, options); }
}
export class InvalidParameter extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('invalid-parameter', message, options); }
}
export class Conflict extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('conflict', message, options); }
}
export class NotModified extends WharfError {
  constructor(message = '', options?: { cause?: unknown }) { super('not-modified', message, options); }
}
export class Unauthorized extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('unauthorized', message, options); }
}
export class Forbidden extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('forbidden', message, options); }
}
export class NotImplemented extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('not-implemented', message, options); }
}
export class Unavailable extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('unavailable', message, options); }
}
export class SystemError extends WharfError {
  constructor(message: string, options?: { cause?: unknown }) { super('system', message, options); }
}

function hasKind(err: unknown, kind: ErrorKind): boolean {
  return err instanceof WharfError && err.kind === kind;
}
export const isNotFound = (err: unknown): boolean => hasKind(err, 'not-found');
export const isInvalidParameter = (err: unknown): boolean => hasKind(err, 'invalid-parameter');
export const isConflict = (err: unknown): boolean => hasKind(err, 'conflict');
export const isNotModified = (err: unknown): boolean => hasKind(err, 'not-modified');
export const isUnauthorized = (err: unknown): boolean => hasKind(err, 'unauthorized');
export const isForbidden = (err: unknown): boolean => hasKind(err, 'forbidden');
export const isNotImplemented = (err: unknown): boolean => hasKind(err, 'not-implemented');
export const isUnavailable = (err: unknown): boolean => hasKind(err, 'unavailable');
