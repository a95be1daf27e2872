// jsonmessage.DisplayJSONMessagesStream for a non-terminal: one line per status, progress bars skipped,
// an error message in the stream ends it as an error (printed without the daemon prefix, as docker does).
import type { Readable } from 'node:stream';
import { jsonLines, type JsonMessage } from '../../../client/index.js';

export class StreamError extends Error {}

function hasProgress(m: JsonMessage): boolean {
  const d = m.progressDetail;
  return d !== undefined && ((d.current ?? 0) > 0 || (d.total ?? 0) > 0);
}

/** Renders one message; returns '' when docker prints nothing for it on a non-terminal. */
export function renderMessage(m: JsonMessage): string {
  if (hasProgress(m)) return '';
  let s = '';
  if (m.id) s += `${m.id}: `;
  if (m.from) s += `(from ${m.from}) `;
  if (m.progress && !m.progressDetail) s += `${m.status ?? ''} ${m.progress}`;
  else if (m.stream !== undefined && m.stream !== '') s += m.stream;
  else s += `${m.status ?? ''}\n`;
  return s;
}

/** Writes each message; calls onAux for aux payloads; throws StreamError on an error message. */
export async function displayJsonMessages(src: Readable, write: (s: string) => void, onAux?: (aux: unknown) => void): Promise<void> {
  for await (const m of jsonLines<JsonMessage>(src)) {
    if (m.errorDetail || m.error) {
      if (m.errorDetail?.code === 401) throw new StreamError('authentication is required');
      throw new StreamError(m.errorDetail?.message ?? m.error ?? '');
    }
    if (m.aux !== undefined) { onAux?.(m.aux); continue; }
    write(renderMessage(m));
  }
}
