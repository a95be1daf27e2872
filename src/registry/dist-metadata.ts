// Docker's V2MetadataService in small: which compressed blob each layer (by diffID) came from or was pushed
// as, per repository. Push uses it to HEAD-skip or cross-mount a blob without recompressing the layer.
import { layout, readJsonOr, writeJsonAtomic } from '../store/index.js';

export interface BlobSource { digest: string; /** full repository name, e.g. 127.0.0.1:5000/app */ repository: string; size?: number }

export class DistributionMetadata {
  private saving: Promise<void> = Promise.resolve();
  private constructor(private readonly dataRoot: string, private readonly map: Record<string, BlobSource[]>) {}

  static async open(dataRoot: string): Promise<DistributionMetadata> {
    return new DistributionMetadata(dataRoot, await readJsonOr<Record<string, BlobSource[]>>(layout.distributionPath(dataRoot), {}));
  }

  sources(diffId: string): BlobSource[] { return this.map[diffId] ?? []; }

  add(diffId: string, src: BlobSource): Promise<void> {
    const list = (this.map[diffId] ??= []);
    if (list.some((s) => s.digest === src.digest && s.repository === src.repository)) return this.saving;
    list.unshift(src);
    if (list.length > 16) list.length = 16;
    this.saving = this.saving.then(() => writeJsonAtomic(layout.distributionPath(this.dataRoot), this.map)).catch(() => undefined);
    return this.saving;
  }
}
