// jsonmessage.DisplayJSONMessagesStream: on a terminal, one line per layer ID redrawn in place (cursor up,
// clear line, progress bar when wider than 110 columns); otherwise one line per status with progress
// skipped. An error message in the stream ends it as an error (printed without the daemon prefix).
import type { Readable } from 'node:stream';
import { jsonLines, type JsonMessage } from '../../../client/index.js';
import { humanSize } from '../../format/units.js';

export class StreamError extends Error {}

export interface TerminalOptions { isTerminal: boolean; columns?: number }

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

/** JSONProgress.String() at the client's terminal width. */
export function progressBar(current: number, total: number, width: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = width > 110 ? `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] ` : '';
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

const ESC = '\x1b[';

/** The terminal rendering of one message (docker's JSONMessage.Display with isTerminal). */
function renderTerminal(m: JsonMessage, width: number): string {
  let s = '';
  let endl = '';
  if (!m.stream && m.progressDetail !== undefined) { s += `${ESC}2K\r`; endl = '\r'; }
  if (m.id) s += `${m.id}: `;
  if (m.from) s += `(from ${m.from}) `;
  if (m.progressDetail !== undefined) s += `${m.status ?? ''} ${progressBar(m.progressDetail.current ?? 0, m.progressDetail.total ?? 0, width)}${endl}`;
  else if (m.progress) s += `${m.status ?? ''} ${m.progress}${endl}`;
  else if (m.stream) s += `${m.stream}${endl}`;
  else s += `${m.status ?? ''}${endl}\n`;
  return s;
}

/** Writes each message; calls onAux for aux payloads; throws StreamError on an error message. */
export async function displayJsonMessages(src: Readable, write: (s: string) => void, onAux?: (aux: unknown) => void, term: TerminalOptions = { isTerminal: false }): Promise<void> {
  const ids = new Map<string, number>();
  const width = term.columns ?? 200;
  for await (const m of jsonLines<JsonMessage>(src)) {
    if (m.errorDetail || m.error) {
      if (m.errorDetail?.code === 401) throw new StreamError('authentication is required');
      throw new StreamError(m.errorDetail?.message ?? m.error ?? '');
    }
    if (m.aux !== undefined) { onAux?.(m.aux); continue; }
    if (!term.isTerminal) { write(renderMessage(m)); continue; }
    let diff = 0;
    if (m.id && (m.progressDetail !== undefined || m.progress)) {
      let line = ids.get(m.id);
      if (line === undefined) {
        line = ids.size;
        ids.set(m.id, line);
        write('\n');
      }
      diff = ids.size - line;
      if (diff > 0) write(`${ESC}${diff}A`);
    } else {
      ids.clear();
    }
    write(renderTerminal(m, width));
    if (m.id && diff > 0) write(`${ESC}${diff}B`);
  }
}
