// Test helpers shared by the snapshot tests (and usable by other subsystems' tests through a relative import).
import * as tar from 'tar-stream';

export type H = Partial<tar.Header> & { name: string };

/** Builds a tar in memory from entries (tests only: real code streams). */
export async function makeTar(entries: Array<[H, string?]>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [h, body] of entries) pack.entry(h, body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

