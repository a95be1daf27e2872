// A per-key async mutex: operations on one object (a container, an image reference, a layer) run one at a
// time while different keys proceed in parallel. In-process only; wharfd is the single writer of its root.
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier `run` on `key` has settled; resolves with its result. */
  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** True while some operation on `key` is running or queued. */
  isLocked(key: string): boolean {
    return this.tails.has(key);
  }
}
