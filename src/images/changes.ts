// `docker import -c` / `docker commit -c`: Dockerfile instructions applied to a container config, like
// Docker's dockerfile.BuildFromConfig restricted to the instructions commit/import allow.
import { posix } from 'node:path';
import { InvalidParameter } from '../errors.js';

type Cfg = Record<string, unknown>;

function jsonOrShell(rest: string): string[] {
  if (rest.startsWith('[')) {
    try {
      const v = JSON.parse(rest) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch { /* shell form */ }
  }
  return ['/bin/sh', '-c', rest];
}

const unquote = (s: string): string => (/^(["']).*\1$/.test(s) ? s.slice(1, -1) : s);

/** `A=b C="d e"` or legacy `A b c`. */
function keyValues(rest: string): Array<[string, string]> {
  if (!/^[^\s=]+=/.test(rest)) {
    const m = /^(\S+)\s+(.*)$/.exec(rest);
    if (!m) throw new InvalidParameter(`ENV names can not be blank`);
    return [[m[1]!, m[2]!]];
  }
  const out: Array<[string, string]> = [];
  for (const m of rest.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) out.push([m[1]!, unquote(m[2]!)]);
  return out;
}

function setEnv(cfg: Cfg, key: string, value: string): void {
  const env = ((cfg.Env as string[] | null) ?? []).filter((e) => e.split('=')[0] !== key);
  env.push(`${key}=${value}`);
  cfg.Env = env;
}

const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** Applies each change line to a copy of `base`; throws InvalidParameter with Docker's messages. */
export function applyChanges(base: Cfg, changes: readonly string[]): Cfg {
  const cfg: Cfg = { ...base };
  for (const line of changes) {
    const m = /^\s*(\S+)\s*(.*?)\s*$/s.exec(line);
    if (!m) continue;
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (!ALLOWED.has(instr)) throw new InvalidParameter(`${instr.toLowerCase()} is not a valid change command`);
    switch (instr) {
      case 'CMD': cfg.Cmd = jsonOrShell(rest); break;
      case 'ENTRYPOINT': cfg.Entrypoint = rest === '' ? null : jsonOrShell(rest); break;
      case 'ENV': for (const [k, v] of keyValues(rest)) setEnv(cfg, k, v); break;
      case 'LABEL': cfg.Labels = { ...((cfg.Labels as Record<string, string>) ?? {}), ...Object.fromEntries(keyValues(rest)) }; break;
      case 'EXPOSE': {
        const ports = { ...((cfg.ExposedPorts as Cfg) ?? {}) };
        for (const p of rest.split(/\s+/).filter(Boolean)) ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        cfg.ExposedPorts = ports;
        break;
      }
      case 'VOLUME': {
        const vols = { ...((cfg.Volumes as Cfg) ?? {}) };
        const list = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/).filter(Boolean);
        for (const v of list) vols[v] = {};
        cfg.Volumes = vols;
        break;
      }
      case 'WORKDIR': cfg.WorkingDir = posix.resolve('/', (cfg.WorkingDir as string) || '/', unquote(rest)); break;
      case 'USER': cfg.User = unquote(rest); break;
      case 'STOPSIGNAL': cfg.StopSignal = rest; break;
      case 'ONBUILD': cfg.OnBuild = [...((cfg.OnBuild as string[] | null) ?? []), rest]; break;
    }
  }
  return cfg;
}
