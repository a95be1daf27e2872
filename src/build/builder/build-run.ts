// One build: stages in order (independent ones concurrently, output kept in order), their steps through the Dispatcher, the
// messages Docker's legacy builder streams ("Step 1/5 : ...", " ---> id", "Running in", ...).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidParameter, WharfError, isNotFound } from '../../errors.js';
import { familiarString, parseReference, withDefaultTag } from '../../images/index.js';
import type * as T from '../parser/instruction-types.js';
import { instructionsFromAst } from '../parser/instructions.js';
import { parseDockerfile } from '../parser/parser.js';
import { ShellLex } from '../parser/shell-lex.js';
import type { BuildCache } from './cache.js';
import { BuildCache as Cache } from './cache.js';
import { SCRATCH, stateOf, type ImageState } from './commit.js';
import type { BuildContext } from './context.js';
import { copyInto, heredocSource, resolveChown, resolveSources, sourcesHash } from './copy.js';
import { BUILTIN_ARGS, Dispatcher, StageState } from './dispatch.js';
import { RootView } from './root-view.js';
import { ContextFS, HostFS, type SrcFS } from './src-fs.js';
import { findStage, neededStages, splitStages, type Stage } from './stages.js';
import type { StepHost } from './step-host.js';
import type { BuildOptions, BuildPorts, Json, RunResult } from './types.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface Plan {
  metaArgs: T.ArgInstruction[];
  stages: Stage[];
  target: Stage;
  lex: ShellLex;
  total: number;
}

/** Parses and plans before any byte is streamed: Docker answers a bad Dockerfile with a 400. */
export function planBuild(ctx: BuildContext, opts: BuildOptions): Plan {
  let parsed;
  let instructions: T.Instruction[];
  // dockerd's readAndParseDockerfile: an empty file, then the line parser's errors named after the file.
  if (ctx.dockerfileText === '') throw new InvalidParameter(`the Dockerfile (${ctx.dockerfileName}) cannot be empty`);
  try {
    parsed = parseDockerfile(ctx.dockerfileText, { filename: ctx.dockerfileName });
  } catch (err) {
    const detail = (err as { detail?: string }).detail ?? (err as Error).message;
    throw new InvalidParameter(`failed to parse ${ctx.dockerfileName}: ${detail.replace(/ \(did you mean [^)]*\?\)$/, '')}`, { cause: err });
  }
  try {
    instructions = instructionsFromAst(parsed.ast);
    // --label: one LABEL step per label, sorted, values taken literally (dockerd 20.10's processLabels).
    for (const k of Object.keys(opts.labels).sort()) {
      const lit = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
      instructions.push({
        kind: 'label', line: 0, endLine: 0, original: `LABEL ${k}=${opts.labels[k]}`, flags: [], comments: [],
        pairs: [{ key: lit(k), value: lit(opts.labels[k] ?? ''), noDelim: false }],
      });
    }
  } catch (err) {
    throw legacyParseError(err);
  }
  for (const t of opts.tags) withDefaultTag(parseReference(t));
  const { metaArgs, stages } = splitStages(instructions);
  // --label lines belong to the last stage; move them from wherever splitStages put them.
  let target = stages[stages.length - 1]!;
  if (opts.target) {
    const t = stages.find((s) => s.name === opts.target!.toLowerCase());
    if (!t) throw new InvalidParameter(`failed to reach build target ${opts.target} in Dockerfile`);
    const labels = target.commands.splice(target.commands.length - Object.keys(opts.labels).length);
    target = t;
    target.commands.push(...labels);
  }
  const lex = new ShellLex(parsed.escapeToken);
  const meta = new Map<string, string>();
  for (const a of metaArgs) for (const x of a.args) {
    const v = opts.buildArgs[x.key] ?? (x.value !== undefined ? lex.processWord(x.value, meta) : undefined);
    if (v !== undefined && v !== null) meta.set(x.key, v);
  }
  const needed = neededStages(stages, target, (s) => lex.processWord(s.from.image, meta));
  const total = metaArgs.length + needed.reduce((n, s) => n + 1 + s.commands.length, 0);
  return { metaArgs, stages: needed, target, lex, total };
}

function legacyParseError(err: unknown): Error {
  const e = err as { startLine?: number; detail?: string; message?: string };
  if (e && typeof e.startLine === 'number' && e.detail !== undefined) {
    // The classic builder names the line but offers no "did you mean" suggestion.
    const detail = e.detail.replace(/ \(did you mean [^)]*\?\)$/, '');
    return new InvalidParameter(e.startLine > 0 ? `dockerfile parse error line ${e.startLine}: ${detail}` : detail, { cause: err });
  }
  return err as Error;
}

interface StageSink { step: number; buf: Json[]; live: boolean; done: boolean }
const stageOutput = new AsyncLocalStorage<StageSink>();

export class BuildRun implements StepHost {
  private readonly referenced = new Set<string>();
  private readonly meta = new Map<string, string | undefined>();
  private readonly results = new Map<number, Promise<ImageState>>();
  private step = 0;
  private readonly tmp: string;
  private readonly ctxFs: ContextFS;

  constructor(
    readonly ports: BuildPorts,
    private readonly cache: BuildCache,
    private readonly ctx: BuildContext,
    private readonly opts: BuildOptions,
    private readonly plan: Plan,
    private readonly emit: (m: Json) => void,
    private readonly signal?: AbortSignal,
  ) {
    this.tmp = join(ports.dataRoot, 'build', 'tmp');
    this.ctxFs = new ContextFS(ctx.index);
  }

  out(text: string): void { this.send({ stream: text }); }

  /** A message from the stage running in this async context (buffered until the stages before it are done). */
  private send(m: Json): void {
    const sink = stageOutput.getStore();
    if (sink && !sink.live) sink.buf.push(m);
    else this.emit(m);
  }

  private printStep(original: string): void {
    const sink = stageOutput.getStore();
    const n = sink ? ++sink.step : ++this.step;
    this.out(`Step ${n}/${this.plan.total} : ${original}`);
    this.out('\n');
  }

  /**
   * All needed stages start at once: a stage waits only for the stages it names (FROM, COPY --from), so
   * independent stages build in parallel. Output stays in Dockerfile order, numbered as if sequential: each
   * stage's messages are held back until every stage before it has finished printing.
   */
  private async buildStages(): Promise<ImageState> {
    const sinks: StageSink[] = [];
    let step = this.step;
    for (const s of this.plan.stages) {
      sinks.push({ step, buf: [], live: sinks.length === 0, done: false });
      step += 1 + s.commands.length;
    }
    let head = 0;
    const advance = (): void => {
      while (head < sinks.length && sinks[head]!.done) {
        head++;
        const next = sinks[head];
        if (next) { next.live = true; for (const m of next.buf.splice(0)) this.emit(m); }
      }
    };
    const runs = this.plan.stages.map((s, i) => {
      const p = stageOutput.run(sinks[i]!, () => this.buildStage(s));
      this.results.set(s.index, p);
      return p.finally(() => { sinks[i]!.done = true; advance(); });
    });
    const settled = await Promise.allSettled(runs);
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    return (settled[settled.length - 1] as PromiseFulfilledResult<ImageState>).value;
  }

  async run(): Promise<string> {
    await mkdir(this.tmp, { recursive: true });
    for (const a of this.plan.metaArgs) {
      this.printStep(a.original);
      for (const x of a.args) {
        this.referenced.add(x.key);
        const env = new Map([...this.meta].filter(([, v]) => v !== undefined) as Array<[string, string]>);
        this.meta.set(x.key, x.value === undefined ? undefined : this.plan.lex.processWord(x.value, env));
      }
    }
    const finalState = await this.buildStages();
    if (!finalState.imageId) throw new InvalidParameter('No image was generated. Is your Dockerfile empty?');
    const id = finalState.imageId;
    this.emit({ aux: { ID: id } });
    const leftover = Object.keys(this.opts.buildArgs).filter((k) => !this.referenced.has(k) && !BUILTIN_ARGS.has(k)).sort();
    if (leftover.length) this.out(`[Warning] One or more build-args [${leftover.join(' ')}] were not consumed\n`);
    this.out(`Successfully built ${id.slice(7, 19)}\n`);
    for (const t of this.opts.tags) {
      const ref = withDefaultTag(parseReference(t));
      await this.ports.images.tag(id, familiarString(ref));
      this.out(`Successfully tagged ${familiarString(ref)}\n`);
    }
    return id;
  }

  private metaEnv(): Map<string, string> {
    const m = new Map<string, string>();
    for (const [k, v] of this.meta) {
      const o = this.opts.buildArgs[k];
      const val = o !== undefined && o !== null ? o : v;
      if (val !== undefined) m.set(k, val);
    }
    return m;
  }

  private async buildStage(stage: Stage): Promise<ImageState> {
    this.printStep(stage.from.original);
    const name = this.plan.lex.processWord(stage.from.image, this.metaEnv());
    const st = new StageState(await this.baseImage(name, stage.index));
    st.runConfig = structuredClone((st.img.base.config ?? {}) as Json);
    if (!st.env().has('PATH')) st.setEnv('PATH', DEFAULT_PATH);
    const d = new Dispatcher(this, this.plan.lex);
    const triggers = (st.runConfig.OnBuild as string[] | null) ?? [];
    if (triggers.length) {
      this.out(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
      st.runConfig.OnBuild = null;
      for (const t of triggers) {
        for (const ins of instructionsFromAst(parseDockerfile(t).ast)) {
          if (ins.kind === 'onbuild' || ins.kind === 'from') throw new InvalidParameter(`${ins.kind.toUpperCase()} isn't allowed as an ONBUILD trigger`);
          await d.dispatch(st, ins);
        }
      }
    }
    this.out(` ---> ${st.img.imageId.slice(7, 19)}\n`);
    for (const ins of stage.commands) {
      if (this.signal?.aborted) throw new InvalidParameter('build canceled');
      this.printStep(ins.original);
      await d.dispatch(st, ins);
      this.out(` ---> ${st.img.imageId.slice(7, 19)}\n`);
    }
    return st.img;
  }

  private async baseImage(name: string, index: number): Promise<ImageState> {
    const stage = findStage(this.plan.stages, name, index);
    if (stage) {
      const r = this.results.get(stage.index);
      if (r) return r;
    }
    if (name.toLowerCase() === 'scratch') return SCRATCH;
    const find = (): ImageState | undefined => {
      try { return stateOf(this.ports.images.get(name)); } catch (err) { if (isNotFound(err)) return undefined; throw err; }
    };
    let img = this.opts.pull ? undefined : find();
    if (!img) {
      if (!this.ports.pull) throw new InvalidParameter(`No such image: ${name}`);
      await this.ports.pull(name, (m) => this.send(m), this.signal);
      img = find();
      if (!img) throw new InvalidParameter(`No such image: ${name}`);
    }
    return img;
  }

  async tryCache(st: StageState, probe: Json): Promise<boolean> {
    if (this.opts.noCache) return false;
    const sources = this.cacheSources();
    const id = this.cache.get(Cache.key(st.img.imageId, probe), (i) => (sources ? sources.has(i) : this.ports.images.list().some((r) => r.id === i)));
    if (!id) return false;
    this.out(' ---> Using cache\n');
    st.adopt(this.ports.images.get(id));
    return true;
  }

  remember(key: string, imageId: string): Promise<void> { return this.cache.set(key, imageId); }

  private sources?: Set<string>;

  /** With --cache-from, the images a cache hit may be: the named ones (unknown names skipped) and their parents. */
  private cacheSources(): Set<string> | undefined {
    if (!this.opts.cacheFrom) return undefined;
    if (this.sources) return this.sources;
    const out = new Set<string>();
    for (const ref of this.opts.cacheFrom) {
      let rec;
      try { rec = this.ports.images.get(ref); } catch (err) { if (isNotFound(err)) continue; throw err; }
      while (rec && !out.has(rec.id)) {
        out.add(rec.id);
        const parent: string | undefined = rec.meta.parent;
        try { rec = parent ? this.ports.images.get(parent) : undefined; } catch { rec = undefined; }
      }
    }
    this.sources = out;
    return out;
  }

  argValue(key: string, stageDefault: string | undefined, declared: boolean): string | undefined {
    const o = this.opts.buildArgs[key];
    if (o !== undefined && o !== null) return o;
    if (!declared) return undefined;
    if (stageDefault !== undefined) return stageDefault;
    return this.meta.get(key);
  }

  referenceArg(key: string): void { this.referenced.add(key); }

  async inSnapshot(st: StageState, fn: (view: RootView) => Promise<void>, commit: (key: string) => Promise<void>): Promise<void> {
    const key = `build-${randomBytes(16).toString('hex')}`;
    const snaps = this.ports.snapshots;
    const m = await snaps.prepare(key, st.img.chainId);
    try {
      const view = new RootView(m.upperdir, m.lowerdirs);
      await fn(view);
      view.finish();
      await commit(key);
    } finally {
      await snaps.remove(key).catch(() => undefined);
    }
  }

  async mkdirInRoot(view: RootView, path: string): Promise<void> {
    view.ensureDir(view.resolve(path, true), 0, 0);
  }

  async copy(st: StageState, ins: T.CopyInstruction | T.AddInstruction, d: Dispatcher): Promise<void> {
    const cmd = ins.kind === 'copy' ? 'COPY' : 'ADD';
    const from = ins.kind === 'copy' && ins.from ? d.word(st, ins.from) : undefined;
    let fs: SrcFS = this.ctxFs;
    let srcRoot = '';
    let release = async (): Promise<void> => undefined;
    if (from) {
      ({ root: srcRoot, release } = await this.mountFrom(from, ins.line));
      fs = new HostFS(srcRoot);
    }
    try {
      const scratch = await mkdtemp(join(this.tmp, 'copy-'));
      try {
        const sources = ins.sources.length || !ins.contents.length ? await resolveSources(fs, srcRoot, ins.sources.map((s) => d.word(st, s)), cmd, scratch) : [];
        for (const c of ins.contents) sources.push(await heredocSource(scratch, c.path, c.expand ? d.word(st, c.data) : c.data));
        const destWord = d.word(st, ins.dest);
        let dest = destWord;
        if (!dest.startsWith('/')) {
          dest = join('/', (st.runConfig.WorkingDir as string) || '/', dest) + (destWord.endsWith('/') || destWord === '.' ? '/' : '');
        }
        const probe = { ...st.runConfig, Cmd: [...st.shell(), `#(nop) ${cmd} ${sourcesHash(sources)} in ${destWord} `], Image: st.img.imageId };
        if (await this.tryCache(st, probe)) return;
        const mode = ins.chmod ? parseInt(ins.chmod, 8) : undefined;
        if (ins.chmod && (Number.isNaN(mode) || !/^[0-7]+$/.test(ins.chmod))) throw new InvalidParameter(`invalid chmod parameter: ${ins.chmod}`);
        const chown = ins.chown ? d.word(st, ins.chown) : undefined;
        await this.inSnapshot(st, async (view) => {
          const ids = await resolveChown(view, chown);
          await copyInto(view, sources, dest, cmd, { ...ids, mode }, scratch);
        }, (snapshot) => d.commit(st, probe, { snapshot }));
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    } finally {
      await release();
    }
  }

  /** COPY --from: a finished stage (by name or index) or an image, mounted read-only for the copy. */
  private async mountFrom(from: string, line: number): Promise<{ root: string; release(): Promise<void> }> {
    const current = this.plan.stages.find((s) => s.from.line <= line && s.commands.some((c) => c.line === line));
    const stage = findStage(this.plan.stages, from, current?.index ?? Number.MAX_SAFE_INTEGER);
    // dockerd wraps a failed image lookup for --from: "invalid from flag value x: <why>".
    const img = stage ? await this.results.get(stage.index)! : await this.baseImage(from, Number.MAX_SAFE_INTEGER).catch((err: unknown) => {
      const msg = `invalid from flag value ${from}: ${(err as Error).message}`;
      throw err instanceof WharfError ? new WharfError(err.kind, msg, { cause: err }) : new Error(msg, { cause: err });
    });
    const key = `build-from-${randomBytes(16).toString('hex')}`;
    const snaps = this.ports.snapshots;
    await snaps.prepare(key, img.chainId);
    await snaps.mount(key);
    return {
      root: snaps.mergedDir(key),
      release: async () => { await snaps.unmount(key).catch(() => undefined); await snaps.remove(key).catch(() => undefined); },
    };
  }

  runContainer(st: StageState, config: Json): Promise<RunResult> {
    void st;
    return this.ports.runContainer({
      image: config.Image as string,
      config,
      networkMode: this.opts.networkMode || 'default',
      extraHosts: this.opts.extraHosts,
      signal: this.signal,
      onStart: (id) => this.out(` ---> Running in ${id.slice(0, 12)}\n`),
      onOutput: (stream, data) => this.out(stream === 'stderr' ? `\x1b[91m${data.toString('utf8')}\x1b[0m` : data.toString('utf8')),
    });
  }

  async failedContainer(res: RunResult): Promise<void> {
    if (this.opts.forceRm) await res.remove();
  }
}
