// Digests of layers: chainIDs (OCI image spec, "Layer ChainID").
import { createHash } from 'node:crypto';

/** chainID(parent, diffID): diffID for a base layer, else sha256(parent + " " + diffID). */
export function chainId(parent: string | undefined, diffId: string): string {
  if (!parent) return diffId;
  return `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`;
}

/** The chainID of each prefix of a layer list; the last one is the image's top layer. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(chainId(out[out.length - 1], d));
  return out;
}

export function hexOf(digest: string): string {
  return digest.startsWith('sha256:') ? digest.slice(7) : digest;
}
