// Tags and digests -> image IDs, persisted like Docker's repositories.json (familiar names as keys) and
// rewritten atomically after every change, always after the image it points at is on disk.
import { NotFound } from '../errors.js';
import { layout, readJsonOr, writeJsonAtomic } from '../store/index.js';
import { familiarName, familiarString, parseReference, type Reference } from './reference.js';

interface RepositoriesFile { Repositories: Record<string, Record<string, string>> }

export class ReferenceStore {
  /** familiar string (busybox:latest) -> image ID */
  private readonly refs = new Map<string, string>();

  private constructor(private readonly dataRoot: string) {}

  static async open(dataRoot: string): Promise<ReferenceStore> {
    const s = new ReferenceStore(dataRoot);
    const file = await readJsonOr<RepositoriesFile>(layout.repositoriesPath(dataRoot), { Repositories: {} });
    for (const repo of Object.values(file.Repositories ?? {})) for (const [ref, id] of Object.entries(repo)) s.refs.set(ref, id);
    return s;
  }

  get(ref: Reference): string | undefined { return this.refs.get(familiarString(ref)); }

  /** Sets ref -> id; returns the ID it replaced, if any. */
  async set(ref: Reference, id: string): Promise<string | undefined> {
    const key = familiarString(ref);
    const old = this.refs.get(key);
    if (old === id) return old;
    this.refs.set(key, id);
    await this.save();
    return old;
  }

  async delete(ref: Reference): Promise<void> {
    const key = familiarString(ref);
    if (!this.refs.delete(key)) throw new NotFound(`No such image: ${key}`);
    await this.save();
  }

  /** References to an image, as familiar strings, sorted (Docker sorts RepoTags). */
  referencesTo(id: string): Reference[] {
    return [...this.refs.entries()].filter(([, v]) => v === id).map(([k]) => parseReference(k)).sort((a, b) => (familiarString(a) < familiarString(b) ? -1 : 1));
  }

  all(): Array<[string, string]> { return [...this.refs.entries()]; }

  private async save(): Promise<void> {
    const repos: Record<string, Record<string, string>> = {};
    for (const [key, id] of [...this.refs.entries()].sort()) {
      const repo = familiarName(parseReference(key).name);
      (repos[repo] ??= {})[key] = id;
    }
    await writeJsonAtomic(layout.repositoriesPath(this.dataRoot), { Repositories: repos });
  }
}
