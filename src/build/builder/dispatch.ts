// One stage's instructions, dispatched like Docker 20.10's legacy builder (builder/dockerfile/dispatchers.go):
// each instruction changes the run config and commits, with the "#(nop) " history texts Docker writes.
import { posix } from 'node:path';
import { InvalidParameter } from '../../errors.js';
import type { ImageRecord } from '../../images/index.js';
import { goQuote, goQuoteList } from '../parser/go-strings.js';
import { chompHeredocContent, mustParseHeredoc } from '../parser/heredoc.js';
import type * as T from '../parser/instruction-types.js';
import { ShellLex } from '../parser/shell-lex.js';
import { BuildCache } from './cache.js';
import { commitStep, newContainerId, stateOf, type ImageState } from './commit.js';
import type { StepHost } from './step-host.js';
import type { Json } from './types.js';

export const BUILTIN_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);
const DEFAULT_SHELL = ['/bin/sh', '-c'];

export class BuildStepError extends InvalidParameter {
  constructor(message: string, readonly code: number) { super(message); }
}

/** dockerd 20.10's classic builder parses RUN --mount and COPY/ADD --chmod but refuses to run them. */
function requiresBuildKit(flag: string): InvalidParameter {
  return new InvalidParameter(`the --${flag} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`);
}

export class StageState {
  runConfig: Json = {};
  author = '';
  cmdSet = false;
  readonly allowed = new Map<string, string | undefined>();
  constructor(public img: ImageState) {}

  env(): Map<string, string> {
    const m = new Map<string, string>();
    for (const e of (this.runConfig.Env as string[] | null) ?? []) {
      const i = e.indexOf('=');
      m.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
    }
    return m;
  }

  setEnv(key: string, value: string): void {
    const list = [...((this.runConfig.Env as string[] | null) ?? [])];
    const i = list.findIndex((e) => e === key || e.startsWith(`${key}=`));
    if (i >= 0) list[i] = `${key}=${value}`;
    else list.push(`${key}=${value}`);
    this.runConfig.Env = list;
  }

  shell(): string[] { return (this.runConfig.Shell as string[] | undefined)?.length ? [...(this.runConfig.Shell as string[])] : [...DEFAULT_SHELL]; }

  adopt(rec: ImageRecord): void {
    this.img = stateOf(rec);
    this.runConfig = structuredClone((rec.config.config ?? {}) as Json);
  }
}

export class Dispatcher {
  constructor(private readonly host: StepHost, private readonly lex: ShellLex) {}

  /** Build args visible in this stage, with values (options > ARG default > global ARG value). */
  argValues(st: StageState, includeBuiltins: boolean): Map<string, string> {
    const out = new Map<string, string>();
    const keys = new Set(st.allowed.keys());
    if (includeBuiltins) for (const k of BUILTIN_ARGS) keys.add(k);
    for (const k of keys) {
      const v = this.host.argValue(k, st.allowed.has(k) ? st.allowed.get(k) : undefined, st.allowed.has(k));
      if (v !== undefined) out.set(k, v);
    }
    return out;
  }

  /** The variables instructions expand against: build args, overridden by ENV. */
  private expandEnv(st: StageState): Map<string, string> {
    const m = this.argValues(st, false);
    for (const [k, v] of st.env()) m.set(k, v);
    return m;
  }

  word(st: StageState, w: string): string { return this.lex.processWord(w, this.expandEnv(st)); }

  async dispatch(st: StageState, ins: T.Instruction): Promise<void> {
    switch (ins.kind) {
      case 'env': {
        const env = this.expandEnv(st);
        const parts: string[] = [];
        for (const p of ins.pairs) {
          const k = this.lex.processWord(p.key, env);
          const v = this.lex.processWord(p.value, env);
          st.setEnv(k, v);
          parts.push(`${k}=${v}`);
        }
        return this.nop(st, `ENV ${parts.join(' ')}`);
      }
      case 'label': {
        const env = this.expandEnv(st);
        const labels = { ...((st.runConfig.Labels as Record<string, string> | null) ?? {}) };
        const parts: string[] = [];
        for (const p of ins.pairs) {
          const k = this.lex.processWord(p.key, env);
          const v = this.lex.processWord(p.value, env);
          labels[k] = v;
          parts.push(`${k}=${v}`);
        }
        st.runConfig.Labels = labels;
        return this.nop(st, `LABEL ${parts.join(' ')}`);
      }
      case 'maintainer':
        st.author = ins.maintainer;
        return this.nop(st, `MAINTAINER ${ins.maintainer}`);
      case 'expose': {
        const words = ins.ports.map((p) => this.word(st, p));
        const exposed = { ...((st.runConfig.ExposedPorts as Json | undefined) ?? {}) };
        for (const w of words) for (const spec of expandPorts(w)) exposed[spec] = {};
        st.runConfig.ExposedPorts = exposed;
        // dockerd's history names the ports as written, sorted ("EXPOSE 443/tcp 53/udp 80 8000-8001").
        return this.nop(st, `EXPOSE ${words.sort().join(' ')}`);
      }
      case 'user':
        st.runConfig.User = this.word(st, ins.user);
        return this.nop(st, `USER ${st.runConfig.User as string}`);
      case 'volume': {
        const vols = { ...((st.runConfig.Volumes as Json | null) ?? {}) };
        const list = ins.volumes.map((v) => this.word(st, v));
        for (const v of list) {
          if (v.trim() === '') throw new InvalidParameter('VOLUME specified can not be an empty string');
          vols[v] = {};
        }
        st.runConfig.Volumes = vols;
        return this.nop(st, `VOLUME [${list.join(' ')}]`);
      }
      case 'stopsignal': {
        const sig = this.word(st, ins.signal);
        validateSignal(sig);
        st.runConfig.StopSignal = sig;
        return this.nop(st, `STOPSIGNAL ${sig}`);
      }
      case 'healthcheck': return this.healthcheck(st, ins);
      case 'shell':
        st.runConfig.Shell = ins.shell;
        return this.nop(st, `SHELL [${ins.shell.join(' ')}]`);
      case 'onbuild':
        st.runConfig.OnBuild = [...((st.runConfig.OnBuild as string[] | null) ?? []), ins.expression];
        return this.nop(st, `ONBUILD ${ins.expression}`);
      case 'arg': {
        const parts: string[] = [];
        for (const a of ins.args) {
          const v = a.value === undefined ? undefined : this.word(st, a.value);
          st.allowed.set(a.key, v);
          this.host.referenceArg(a.key);
          parts.push(v === undefined ? a.key : `${a.key}=${v}`);
        }
        return this.nop(st, `ARG ${parts.join(' ')}`);
      }
      case 'cmd': {
        const cmd = ins.prependShell ? [...st.shell(), ...ins.command] : ins.command;
        st.runConfig.Cmd = cmd;
        st.cmdSet = true;
        return this.nop(st, `CMD ${goQuoteList(cmd)}`);
      }
      case 'entrypoint': {
        const ep = ins.prependShell ? [...st.shell(), ...ins.command] : ins.command;
        st.runConfig.Entrypoint = ep;
        if (!st.cmdSet) st.runConfig.Cmd = null;
        return this.nop(st, `ENTRYPOINT ${goQuoteList(ep)}`);
      }
      case 'workdir': return this.workdir(st, ins);
      case 'run':
        if (ins.mounts.length > 0) throw requiresBuildKit('mount');
        return this.run(st, ins);
      case 'copy': case 'add':
        if (ins.chmod !== undefined && ins.chmod !== '') throw requiresBuildKit('chmod');
        return this.host.copy(st, ins, this);
      case 'from': throw new InvalidParameter('FROM inside a stage');
    }
  }

  /** A metadata-only step: Docker creates (never starts) a container to commit, hence "Running in". */
  async nop(st: StageState, comment: string): Promise<void> {
    const probe = { ...st.runConfig, Cmd: [...st.shell(), '#(nop) ', comment], Image: st.img.imageId };
    if (await this.host.tryCache(st, probe)) return;
    const cid = newContainerId();
    this.host.out(` ---> Running in ${cid.slice(0, 12)}\n`);
    await this.commit(st, probe, { containerId: cid, hostname: true });
    this.host.out(`Removing intermediate container ${cid.slice(0, 12)}\n`);
  }

  async commit(st: StageState, probe: Json, o: { containerId?: string; hostname?: boolean; snapshot?: string }): Promise<void> {
    const parentId = st.img.imageId;
    const containerConfig = { ...probe, Hostname: o.hostname && o.containerId ? o.containerId.slice(0, 12) : '', Image: parentId };
    const config = { ...st.runConfig, Image: parentId };
    const rec = await commitStep(this.host.ports, { parent: st.img, config, containerConfig, containerId: o.containerId, author: st.author, snapshot: o.snapshot });
    await this.host.remember(BuildCache.key(parentId, probe), rec.id);
    st.adopt(rec);
  }

  private async healthcheck(st: StageState, ins: T.HealthcheckInstruction): Promise<void> {
    const hc: Json = { Test: ins.test };
    if (ins.test[0] !== 'NONE') {
      if (ins.interval) hc.Interval = ins.interval;
      if (ins.timeout) hc.Timeout = ins.timeout;
      if (ins.startPeriod) hc.StartPeriod = ins.startPeriod;
      if (ins.retries) hc.Retries = ins.retries;
    }
    st.runConfig.Healthcheck = hc;
    const text = `&{${goQuoteList(ins.test)} ${goQuote(goDuration(ins.interval))} ${goQuote(goDuration(ins.timeout))} ${goQuote(goDuration(ins.startPeriod))} ${goRune(ins.retries)}}`;
    return this.nop(st, `HEALTHCHECK ${text}`);
  }

  private async workdir(st: StageState, ins: T.WorkdirInstruction): Promise<void> {
    const req = this.word(st, ins.path);
    if (req === '') throw new InvalidParameter('cannot normalize nothing');
    const wd = req.startsWith('/') ? req : posix.join('/', (st.runConfig.WorkingDir as string) || '', req);
    st.runConfig.WorkingDir = wd;
    const probe = { ...st.runConfig, Cmd: [...st.shell(), `#(nop) WORKDIR ${wd}`], Image: st.img.imageId };
    if (await this.host.tryCache(st, probe)) return;
    const cid = newContainerId();
    this.host.out(` ---> Running in ${cid.slice(0, 12)}\n`);
    await this.host.inSnapshot(st, (view) => this.host.mkdirInRoot(view, wd), (snapshot) => this.commit(st, probe, { containerId: cid, hostname: true, snapshot }));
    this.host.out(`Removing intermediate container ${cid.slice(0, 12)}\n`);
  }

  private async run(st: StageState, ins: T.RunInstruction): Promise<void> {
    const cmd = ins.prependShell ? [...st.shell(), ...heredocScript(ins)] : [...ins.command];
    const envNames = st.env();
    const allArgs = [...this.argValues(st, true)].filter(([k]) => !envNames.has(k));
    const saved = allArgs.filter(([k]) => !BUILTIN_ARGS.has(k) || st.allowed.has(k)).map(([k, v]) => `${k}=${v}`).sort();
    const saveCmd = allArgs.length > 0 ? [`|${saved.length}`, ...saved, ...cmd] : cmd;
    const probe: Json = { ...st.runConfig, Cmd: saveCmd, Image: st.img.imageId };
    if (saveCmd.length > 0) probe.Entrypoint = null;
    if (await this.host.tryCache(st, probe)) return;
    const env = [...((st.runConfig.Env as string[] | null) ?? []), ...allArgs.map(([k, v]) => `${k}=${v}`)];
    const runConfig: Json = { ...st.runConfig, Cmd: cmd, Env: env, Entrypoint: [''], Image: st.img.imageId };
    delete runConfig.Healthcheck;
    const res = await this.host.runContainer(st, runConfig);
    if (res.exitCode !== 0) {
      await this.host.failedContainer(res);
      throw new BuildStepError(`The command '${cmd.join(' ')}' returned a non-zero code: ${res.exitCode}`, res.exitCode);
    }
    await this.commit(st, probe, { containerId: res.containerId, snapshot: res.snapshotKey });
    this.host.out(`Removing intermediate container ${res.containerId.slice(0, 12)}\n`);
    await res.remove();
  }
}

/**
 * BuildKit's RUN heredocs (the classic builder has none): a command that is only `<<EOF` runs the body as
 * the shell's script; otherwise the shell gets the line and the bodies, and reads the heredocs itself.
 */
function heredocScript(ins: T.RunInstruction): string[] {
  if (!ins.heredocs.length) return ins.command;
  const only = ins.heredocs.length === 1 ? mustParseHeredoc(ins.command.join(' ').trim()) : null;
  if (only && only.name === ins.heredocs[0]!.name) {
    const h = ins.heredocs[0]!;
    return [h.chomp ? chompHeredocContent(h.content) : h.content];
  }
  let script = ins.command.join(' ');
  for (const h of ins.heredocs) script += `\n${h.content}${h.name}`;
  return [script];
}

/** nat.ParsePortSpecs' keys: "80" -> 80/tcp, ranges expanded, proto kept. */
function expandPorts(spec: string): string[] {
  const [range, proto = 'tcp'] = spec.split('/') as [string, string?];
  const m = /^(\d+)(?:-(\d+))?$/.exec(range.includes(':') ? range.slice(range.lastIndexOf(':') + 1) : range);
  if (!m) throw new InvalidParameter(`Invalid containerPort: ${range}`);
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  if (hi < lo) throw new InvalidParameter(`Invalid range specified for the Port: ${range}`);
  const out: string[] = [];
  for (let p = lo; p <= hi; p++) out.push(`${p}/${proto.toLowerCase()}`);
  return out;
}

const SIGNALS = new Set(['ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ']);

function validateSignal(sig: string): void {
  if (/^\d+$/.test(sig) && Number(sig) > 0) return;
  const name = sig.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS.has(name) || /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name)) return;
  throw new InvalidParameter(`Invalid signal: ${sig}`);
}

/** Go's time.Duration.String() for nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let n = Math.abs(ns);
  let out: string;
  if (n < 1e3) out = `${n}ns`;
  else if (n < 1e6) out = `${trimFrac(n / 1e3)}µs`;
  else if (n < 1e9) out = `${trimFrac(n / 1e6)}ms`;
  else {
    const h = Math.floor(n / 3.6e12); n -= h * 3.6e12;
    const m = Math.floor(n / 6e10); n -= m * 6e10;
    const s = trimFrac(n / 1e9);
    out = h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? `-${out}` : out;
}

const trimFrac = (v: number): string => String(Number(v.toFixed(9)));

/** Go's %q of an int: a quoted rune literal. */
function goRune(n: number): string {
  if (n >= 0x20 && n < 0x7f) return n === 0x27 ? `'\\''` : n === 0x5c ? `'\\\\'` : `'${String.fromCharCode(n)}'`;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
  if (named[n]) return `'${named[n]}'`;
  if (n < 0x80) return `'\\x${n.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCodePoint(n)}'`;
}
