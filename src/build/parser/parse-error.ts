// A Dockerfile syntax error that knows where it happened. It is an InvalidParameter (a 400, like Docker's
// build errors for a bad Dockerfile); the message reads like BuildKit's instructions.Parse wrapper,
// "dockerfile parse error on line 3: unknown instruction: FORM".
import { InvalidParameter } from '../../errors.js';

export class DockerfileParseError extends InvalidParameter {
  /** 1-based first and last line of the offending instruction (0 when the file as a whole is at fault). */
  readonly startLine: number;
  readonly endLine: number;
  readonly filename: string | undefined;
  /** The message without the location prefix (BuildKit's inner error). */
  readonly detail: string;

  constructor(detail: string, loc: { startLine: number; endLine?: number; filename?: string }, cause?: unknown) {
    const prefix = loc.startLine > 0 ? `dockerfile parse error on line ${loc.startLine}: ` : '';
    super(prefix + detail, cause === undefined ? undefined : { cause });
    this.detail = detail;
    this.startLine = loc.startLine;
    this.endLine = Math.max(loc.endLine ?? loc.startLine, loc.startLine);
    this.filename = loc.filename;
  }
}

/** Re-throw any error from a parse step as a DockerfileParseError located at the given lines. */
export function locate<T>(fn: () => T, startLine: number, endLine: number, filename?: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DockerfileParseError) throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw new DockerfileParseError(detail, { startLine, endLine, filename }, err);
  }
}
