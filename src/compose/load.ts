// Loading a compose project the way `docker compose` does: find the files, read .env, interpolate, validate
// against the compose-spec schema, merge overrides, apply `extends` and profiles, and normalize every
// service into model.ts's shapes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { Ajv, type ErrorObject } from 'ajv';
import { InvalidParameter } from '../errors.js';
import { ramInBytes } from '../units/index.js';
import { composeSpecText } from './generated/compose-spec.js';
import { InterpolationError, interpolateTree, parseDotEnv } from './interpolate.js';
import {
  normalizeProjectName, type DependsOn, type MountConfig, type NetworkConfig, type PortConfig, type Project,
  type ServiceConfig, type VolumeConfig,
} from './model.js';
import { splitWords } from './shell-words.js';

export interface LoadOptions {
  /** -f files, in order; empty = look for compose.yaml & co. */
  files: string[];
  projectName?: string;
  projectDirectory?: string;
  envFiles?: string[];
  profiles?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

type Obj = Record<string, unknown>;

/** The compose error kind: the CLI prints the message and exits 1 (15 for a file not found, as compose). */
export class ComposeError extends InvalidParameter {}

function findDefaultFiles(cwd: string): string[] {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const hits = DEFAULT_FILES.filter((f) => existsSync(join(dir, f)));
    if (hits.length) {
      const main = join(dir, hits[0]!);
      const override = OVERRIDE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
      return override ? [main, override] : [main];
    }
    if (dirname(dir) === dir) break;
  }
  throw new ComposeError('no configuration file provided: not found');
}

export function loadProject(o: LoadOptions): Project {
  let files = o.files.length ? o.files : (o.env.COMPOSE_FILE ? o.env.COMPOSE_FILE.split(o.env.COMPOSE_PATH_SEPARATOR ?? ':') : []);
  files = files.length ? files.map((f) => (f === '-' ? f : resolve(o.cwd, f))) : findDefaultFiles(o.cwd);
  for (const f of files) {
    if (f !== '-' && !existsSync(f)) throw new ComposeError(`open ${f}: no such file or directory`);
  }
  const workingDir = resolve(o.cwd, o.projectDirectory ?? (files[0] === '-' ? o.cwd : dirname(files[0]!)));

  // .env in the project directory (or --env-file); the process environment wins over it.
  const envFiles = o.envFiles?.length ? o.envFiles.map((f) => resolve(o.cwd, f)) : [join(workingDir, '.env')];
  const fromFiles: Record<string, string> = {};
  for (const f of envFiles) {
    if (!existsSync(f)) {
      if (o.envFiles?.length) throw new ComposeError(`couldn't find env file: ${f}`);
      continue;
    }
    if (statSync(f).isDirectory()) continue;
    Object.assign(fromFiles, parseDotEnv(readFileSync(f, 'utf8'), (k) => o.env[k]));
  }
  const environment: Record<string, string> = { ...fromFiles };
  for (const [k, v] of Object.entries(o.env)) if (v !== undefined) environment[k] = v;
  const lookup = (k: string): string | undefined => environment[k];

  let merged: Obj = {};
  for (const file of files) {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    let doc: unknown;
    try {
      doc = parseYaml(text, { merge: true, uniqueKeys: true }) ?? {};
    } catch (err) {
      if (err instanceof YAMLParseError) {
        const line = err.linePos?.[0]?.line;
        throw new ComposeError(`yaml: ${line ? `line ${line}: ` : ''}${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
      }
      throw err;
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ComposeError(`Top-level object must be a mapping`);
    let interpolated: Obj;
    try {
      interpolated = interpolateTree(doc, lookup) as Obj;
    } catch (err) {
      if (err instanceof InterpolationError) throw new ComposeError(err.message);
      throw err;
    }
    validate(interpolated, file === '-' ? '(stdin)' : file);
    merged = mergeDocs(merged, interpolated);
  }

  const name = projectName(o, merged, workingDir, environment);
  const rawServices = (merged.services ?? {}) as Record<string, Obj>;
  const all: Record<string, ServiceConfig> = {};
  for (const svcName of Object.keys(rawServices)) {
    all[svcName] = normalizeService(svcName, resolveExtends(svcName, rawServices, workingDir, new Set()), workingDir, environment, name);
  }
  const profiles = o.profiles?.length ? o.profiles : (o.env.COMPOSE_PROFILES ? o.env.COMPOSE_PROFILES.split(',') : []);
  const services: Record<string, ServiceConfig> = {};
  const disabled: Record<string, ServiceConfig> = {};
  for (const [k, s] of Object.entries(all)) {
    const active = s.profiles.length === 0 || s.profiles.some((p) => profiles.includes(p) || p === '*') || profiles.includes('*');
    (active ? services : disabled)[k] = s;
  }
  for (const s of Object.values(services)) {
    for (const dep of Object.keys(s.depends_on)) {
      if (!services[dep] && !disabled[dep]) throw new ComposeError(`service "${s.name}" depends on undefined service "${dep}": invalid compose project`);
    }
  }

  const networks: Record<string, NetworkConfig> = {};
  for (const [k, v] of Object.entries((merged.networks ?? {}) as Record<string, Obj | null>)) networks[k] = normalizeNetwork(name, k, v ?? {});
  const usesDefault = Object.values(services).some((s) => s.networks && 'default' in s.networks);
  if (usesDefault && !networks.default) networks.default = { name: `${name}_default`, labels: {} };
  for (const s of Object.values(services)) {
    for (const n of Object.keys(s.networks ?? {})) {
      if (!networks[n]) throw new ComposeError(`service "${s.name}" refers to undefined network ${n}: invalid compose project`);
    }
  }
  const volumes: Record<string, VolumeConfig> = {};
  for (const [k, v] of Object.entries((merged.volumes ?? {}) as Record<string, Obj | null>)) volumes[k] = normalizeVolume(name, k, v ?? {});
  for (const s of Object.values(services)) {
    for (const m of s.volumes) {
      if (m.type === 'volume' && m.source && !volumes[m.source]) {
        throw new ComposeError(`service "${s.name}" refers to undefined volume ${m.source}: invalid compose project`);
      }
    }
  }
  return { name, workingDir, configFiles: files, services, disabled, networks, volumes, environment };
}

function projectName(o: LoadOptions, doc: Obj, workingDir: string, env: Record<string, string>): string {
  const given = o.projectName ?? env.COMPOSE_PROJECT_NAME ?? (typeof doc.name === 'string' ? doc.name : undefined);
  if (given !== undefined) {
    const n = normalizeProjectName(given);
    if (n !== given) {
      throw new ComposeError(`invalid project name "${given}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
    }
    return n;
  }
  const n = normalizeProjectName(basename(workingDir));
  if (!n) throw new ComposeError(`project name must not be empty`);
  return n;
}

// ---------------------------------------------------------------------------------------------- validation

let validator: ReturnType<Ajv['compile']> | undefined;

function validate(doc: Obj, file: string): void {
  if (!validator) {
    // The spec names draft-07 by an https URL ajv does not know; ajv's default dialect is draft-07 anyway.
    const { $schema: _dialect, ...schema } = JSON.parse(composeSpecText) as Obj;
    validator = new Ajv({ strict: false, allErrors: false }).compile(schema);
  }
  if (validator(doc)) return;
  const err = validator.errors?.[0];
  if (err) throw new ComposeError(`validating ${file}: ${describe(err)}`);
}

/** compose's wording for the first schema violation: "services.web additional properties 'foo' not allowed". */
function describe(e: ErrorObject): string {
  const at = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
  const where = at || '(root)';
  switch (e.keyword) {
    case 'additionalProperties': return `${where} additional properties '${String(e.params.additionalProperty)}' not allowed`;
    case 'type': return `${where} must be a ${String(e.params.type).replace(',', ' or a ')}`;
    case 'required': return `${where} missing property '${String(e.params.missingProperty)}'`;
    case 'enum': return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`;
    case 'pattern': return `${where} does not match pattern '${String(e.params.pattern)}'`;
    default: return `${where} ${e.message ?? 'is invalid'}`;
  }
}

// ---------------------------------------------------------------------------------------------- merging

/** Overrides as compose merges them: mappings deep-merge, most sequences are replaced, a few append. */
function mergeDocs(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'services' && isObj(v) && isObj(base.services)) {
      const svcs: Obj = { ...base.services };
      for (const [s, def] of Object.entries(v)) svcs[s] = isObj(svcs[s]) && isObj(def) ? mergeService(svcs[s] as Obj, def) : def;
      out.services = svcs;
    } else if (isObj(v) && isObj(base[k])) {
      out[k] = { ...(base[k] as Obj), ...v };
    } else {
      out[k] = v;
    }
  }
  return out;
}

const APPENDED = new Set(['ports', 'expose', 'dns', 'dns_search', 'cap_add', 'cap_drop', 'external_links', 'security_opt', 'devices', 'volumes_from', 'env_file', 'tmpfs', 'group_add', 'profiles']);
const MAPPED = new Set(['environment', 'labels', 'extra_hosts', 'sysctls', 'ulimits', 'logging', 'build', 'healthcheck', 'deploy', 'depends_on', 'networks']);

function mergeService(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    if (b === undefined) { out[k] = v; continue; }
    if (APPENDED.has(k)) {
      const list = [...asList(b), ...asList(v)];
      out[k] = list.filter((x, i) => list.findIndex((y) => JSON.stringify(y) === JSON.stringify(x)) === i);
    } else if (MAPPED.has(k)) {
      const bm = k === 'build' && typeof b === 'string' ? { context: b } : toMap(b);
      const vm = k === 'build' && typeof v === 'string' ? { context: v } : toMap(v);
      out[k] = { ...bm, ...vm };
    } else if (k === 'volumes') {
      // Mounts merge by target path.
      const byTarget = new Map<string, unknown>();
      for (const m of [...asList(b), ...asList(v)]) byTarget.set(mountTarget(m), m);
      out[k] = [...byTarget.values()];
    } else {
      out[k] = v;
    }
  }
  return out;
}

function mountTarget(m: unknown): string {
  if (isObj(m)) return String(m.target);
  const parts = String(m).split(':');
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

function resolveExtends(name: string, services: Record<string, Obj>, workingDir: string, seen: Set<string>): Obj {
  const svc = services[name]!;
  const ext = svc.extends;
  if (!ext) return svc;
  if (seen.has(name)) throw new ComposeError(`circular reference with extends in service ${name}`);
  seen.add(name);
  const spec = typeof ext === 'string' ? { service: ext } : (ext as { service: string; file?: string });
  let base: Obj;
  if (spec.file) {
    const path = resolve(workingDir, spec.file);
    const doc = (parseYaml(readFileSync(path, 'utf8'), { merge: true }) ?? {}) as Obj;
    const others = (doc.services ?? {}) as Record<string, Obj>;
    if (!others[spec.service]) throw new ComposeError(`cannot extend service "${name}" in ${path}: service "${spec.service}" not found`);
    base = resolveExtends(spec.service, others, dirname(path), seen);
  } else {
    if (!services[spec.service]) throw new ComposeError(`cannot extend service "${name}": service "${spec.service}" not found`);
    base = resolveExtends(spec.service, services, workingDir, seen);
  }
  const { extends: _drop, ...rest } = svc;
  const merged = mergeService(base, rest);
  // depends_on and links never come through extends.
  if (!('depends_on' in rest)) delete merged.depends_on;
  return merged;
}

// ---------------------------------------------------------------------------------------------- normalizing

function isObj(v: unknown): v is Obj { return !!v && typeof v === 'object' && !Array.isArray(v); }
function asList(v: unknown): unknown[] { return v == null ? [] : Array.isArray(v) ? v : [v]; }
function strList(v: unknown): string[] { return asList(v).map(String); }

/** A list of "k=v" (or "k" alone) or a mapping, as a mapping; values null where none was given. */
function toMap(v: unknown, sep = '='): Record<string, string | null> {
  if (v == null) return {};
  if (Array.isArray(v)) {
    const out: Record<string, string | null> = {};
    for (const item of v) {
      const s = String(item);
      const i = s.indexOf(sep);
      if (i < 0) out[s] = null; else out[s.slice(0, i)] = s.slice(i + 1);
    }
    return out;
  }
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x == null ? null : String(x)]));
  return {};
}

function stringMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(toMap(v)).map(([k, x]) => [k, x ?? '']));
}

function command(v: unknown): string[] | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  return Array.isArray(v) ? v.map(String) : splitWords(String(v));
}

function size(v: unknown): number | undefined {
  if (v == null) return undefined;
  if (typeof v === 'number') return v;
  return ramInBytes(String(v));
}

function hostPath(p: string, workingDir: string): string {
  if (p === '~' || p.startsWith('~/')) return join(homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(workingDir, p);
}

function normalizeService(name: string, raw: Obj, workingDir: string, env: Record<string, string>, project: string): ServiceConfig {
  const environment: Record<string, string | null> = {};
  for (const entry of asList(raw.env_file)) {
    const spec = isObj(entry) ? entry : { path: entry, required: true };
    const path = resolve(workingDir, String(spec.path));
    if (!existsSync(path)) {
      if (spec.required === false) continue;
      throw new ComposeError(`env file ${path} not found: stat ${path}: no such file or directory`);
    }
    Object.assign(environment, parseDotEnv(readFileSync(path, 'utf8'), (k) => env[k]));
  }
  for (const [k, v] of Object.entries(toMap(raw.environment))) {
    // A name without a value takes it from the environment; unset there, the variable is left out.
    environment[k] = v ?? env[k] ?? null;
  }

  const svc: ServiceConfig = {
    name,
    image: raw.image as string | undefined,
    command: command(raw.command),
    entrypoint: command(raw.entrypoint),
    environment,
    labels: stringMap(raw.labels),
    ports: asList(raw.ports).flatMap(parsePort),
    expose: strList(raw.expose),
    volumes: asList(raw.volumes).map((v) => parseMount(v, workingDir)),
    volumes_from: strList(raw.volumes_from),
    tmpfs: strList(raw.tmpfs),
    depends_on: dependsOn(raw.depends_on),
    container_name: raw.container_name as string | undefined,
    restart: raw.restart as string | undefined,
    working_dir: raw.working_dir as string | undefined,
    user: raw.user === undefined ? undefined : String(raw.user),
    hostname: raw.hostname as string | undefined,
    domainname: raw.domainname as string | undefined,
    tty: raw.tty as boolean | undefined,
    stdin_open: raw.stdin_open as boolean | undefined,
    privileged: raw.privileged as boolean | undefined,
    read_only: raw.read_only as boolean | undefined,
    init: raw.init as boolean | undefined,
    cap_add: strList(raw.cap_add),
    cap_drop: strList(raw.cap_drop),
    dns: strList(raw.dns),
    dns_search: strList(raw.dns_search),
    dns_opt: strList(raw.dns_opt),
    extra_hosts: Array.isArray(raw.extra_hosts) ? strList(raw.extra_hosts).map((h) => h.replace(/^([^:=]+)=/, '$1:'))
      : Object.entries(toMap(raw.extra_hosts)).map(([k, v]) => `${k}:${v}`),
    security_opt: strList(raw.security_opt),
    sysctls: stringMap(raw.sysctls),
    ulimits: Object.fromEntries(Object.entries((raw.ulimits ?? {}) as Obj).map(([k, v]) => [k, typeof v === 'number' ? { soft: v, hard: v } : { soft: Number((v as Obj).soft), hard: Number((v as Obj).hard) }])),
    stop_signal: raw.stop_signal as string | undefined,
    stop_grace_period: raw.stop_grace_period as string | undefined,
    mem_limit: size(raw.mem_limit),
    cpus: raw.cpus === undefined ? undefined : Number(raw.cpus),
    pids_limit: raw.pids_limit === undefined ? undefined : Number(raw.pids_limit),
    shm_size: size(raw.shm_size),
    logging: raw.logging as ServiceConfig['logging'],
    profiles: strList(raw.profiles),
    scale: raw.scale === undefined ? Number((raw.deploy as Obj | undefined)?.replicas ?? 1) : Number(raw.scale),
    pull_policy: raw.pull_policy as string | undefined,
    platform: raw.platform as string | undefined,
    devices: asList(raw.devices).map((d) => (isObj(d) ? `${String(d.source)}:${String(d.target ?? d.source)}${d.permissions ? `:${String(d.permissions)}` : ''}` : String(d))),
    group_add: strList(raw.group_add),
    cgroup_parent: raw.cgroup_parent as string | undefined,
    ipc: raw.ipc as string | undefined,
    pid: raw.pid as string | undefined,
    mac_address: raw.mac_address as string | undefined,
  };
  if (raw.healthcheck) {
    const h = raw.healthcheck as Obj;
    svc.healthcheck = {
      test: h.test === undefined ? undefined : typeof h.test === 'string' ? ['CMD-SHELL', h.test] : strList(h.test),
      interval: h.interval as string | undefined,
      timeout: h.timeout as string | undefined,
      retries: h.retries === undefined ? undefined : Number(h.retries),
      start_period: h.start_period as string | undefined,
      disable: h.disable === true,
    };
  }
  if (raw.build !== undefined) {
    const b = typeof raw.build === 'string' ? { context: raw.build } : (raw.build as Obj);
    svc.build = {
      context: hostPath(String(b.context ?? '.'), workingDir),
      dockerfile: b.dockerfile as string | undefined,
      args: toMap(b.args),
      target: b.target as string | undefined,
      labels: stringMap(b.labels),
      network: b.network as string | undefined,
      no_cache: b.no_cache as boolean | undefined,
      pull: b.pull as boolean | undefined,
    };
    // compose names a built image after the project and service when the file gives no image.
    svc.image ??= `${project}-${name}`;
  }
  if (!svc.image) throw new ComposeError(`service "${name}" has neither an image nor a build context specified: invalid compose project`);
  if (raw.network_mode !== undefined) {
    svc.network_mode = String(raw.network_mode);
    if (raw.networks !== undefined) throw new ComposeError(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\`: invalid compose project`);
  } else if (Array.isArray(raw.networks)) {
    svc.networks = Object.fromEntries(raw.networks.map((n) => [String(n), null]));
  } else if (isObj(raw.networks)) {
    svc.networks = Object.fromEntries(Object.entries(raw.networks).map(([k, v]) => [k, (v ?? null) as ServiceConfig['networks'] extends Record<string, infer T> | undefined ? T : never]));
  } else {
    svc.networks = { default: null };
  }
  return svc;
}

function dependsOn(v: unknown): Record<string, DependsOn> {
  if (Array.isArray(v)) return Object.fromEntries(v.map((s) => [String(s), { condition: 'service_started', required: true }]));
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, d]) => {
    const o = (d ?? {}) as Obj;
    return [k, { condition: (o.condition as DependsOn['condition']) ?? 'service_started', restart: o.restart as boolean | undefined, required: o.required !== false }];
  }));
}

/** Short and long port syntax: "8080:80", "127.0.0.1:8080:80/udp", "8000-8001:80-81", 80, {target, published}. */
export function parsePort(v: unknown): PortConfig[] {
  if (isObj(v)) {
    return [{
      target: Number(v.target),
      published: v.published === undefined ? undefined : String(v.published),
      host_ip: v.host_ip as string | undefined,
      protocol: (v.protocol as string | undefined) ?? 'tcp',
      mode: (v.mode as string | undefined) ?? 'ingress',
    }];
  }
  let s = String(v);
  let protocol = 'tcp';
  const slash = s.lastIndexOf('/');
  if (slash >= 0) { protocol = s.slice(slash + 1); s = s.slice(0, slash); }
  // An IPv6 host address comes in brackets: [::1]:8080:80.
  let hostIp: string | undefined;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(s);
  if (v6) { hostIp = v6[1]; s = v6[2]!; }
  const parts = s.split(':');
  let published: string | undefined;
  let target: string;
  if (parts.length === 1) target = parts[0]!;
  else if (parts.length === 2) { published = parts[0] || undefined; target = parts[1]!; }
  else { hostIp ??= parts[0]; published = parts[1] || undefined; target = parts[2]!; }
  const [t0, t1] = target.split('-').map(Number) as [number, number | undefined];
  if (!Number.isInteger(t0) || (t1 !== undefined && !Number.isInteger(t1))) throw new ComposeError(`Invalid containerPort: ${target}`);
  const count = t1 === undefined ? 1 : t1 - t0 + 1;
  const [p0, p1] = published ? published.split('-').map(Number) as [number, number | undefined] : [undefined, undefined];
  const out: PortConfig[] = [];
  for (let i = 0; i < count; i++) {
    let pub: string | undefined;
    if (p0 !== undefined) pub = p1 !== undefined && p1 - p0 + 1 !== count ? `${p0}-${p1}` : String(p0 + (count > 1 ? i : 0));
    out.push({ target: t0 + i, published: pub, host_ip: hostIp, protocol, mode: 'ingress' });
  }
  return out;
}

/** Short and long volume syntax, with relative bind sources resolved against the project directory. */
export function parseMount(v: unknown, workingDir: string): MountConfig {
  if (isObj(v)) {
    const type = (v.type as MountConfig['type'] | undefined) ?? 'volume';
    const m: MountConfig = { type, target: String(v.target), source: v.source === undefined ? undefined : String(v.source), read_only: v.read_only === true };
    if (type === 'bind' && m.source) m.source = hostPath(m.source, workingDir);
    if (isObj(v.bind)) m.bind = { propagation: v.bind.propagation as string | undefined, create_host_path: v.bind.create_host_path as boolean | undefined };
    if (isObj(v.volume)) m.volume = { nocopy: v.volume.nocopy === true };
    if (isObj(v.tmpfs)) m.tmpfs = { size: size(v.tmpfs.size), mode: v.tmpfs.mode === undefined ? undefined : Number(v.tmpfs.mode) };
    return m;
  }
  const s = String(v);
  const parts = s.split(':');
  if (parts.length === 1) return { type: 'volume', target: s };
  const [src, target, mode] = parts as [string, string, string | undefined];
  const isPath = src.startsWith('.') || src.startsWith('/') || src.startsWith('~');
  const m: MountConfig = { type: isPath ? 'bind' : 'volume', source: isPath ? hostPath(src, workingDir) : src, target };
  const opts = (mode ?? '').split(',').filter(Boolean);
  if (opts.includes('ro')) m.read_only = true;
  if (isPath) m.bind = { create_host_path: true, propagation: opts.find((o) => /^r?(shared|slave|private)$/.test(o)) };
  if (opts.includes('nocopy')) m.volume = { nocopy: true };
  return m;
}

/** What networks and volumes share: the name (project-prefixed unless given or external), driver, labels. */
function normalizeResource(project: string, key: string, v: Obj): VolumeConfig {
  const external = v.external === true || isObj(v.external);
  const extName = isObj(v.external) ? (v.external.name as string | undefined) : undefined;
  return {
    name: (v.name as string | undefined) ?? extName ?? (external ? key : `${project}_${key}`),
    driver: v.driver as string | undefined,
    driver_opts: v.driver_opts ? stringMap(v.driver_opts) : undefined,
    external,
    labels: stringMap(v.labels),
  };
}

function normalizeNetwork(project: string, key: string, v: Obj): NetworkConfig {
  return {
    ...normalizeResource(project, key, v),
    internal: v.internal === true,
    attachable: v.attachable === true,
    enable_ipv6: v.enable_ipv6 === true,
    ipam: v.ipam as NetworkConfig['ipam'],
  };
}

const normalizeVolume = normalizeResource;

/** Services in dependency order (dependencies first); throws on a cycle. */
export function dependencyOrder(services: Record<string, ServiceConfig>): ServiceConfig[] {
  const out: ServiceConfig[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') throw new ComposeError(`dependency cycle detected: ${[...path, name].join(' -> ')}`);
    const svc = services[name];
    if (!svc) return;
    state.set(name, 'visiting');
    for (const dep of Object.keys(svc.depends_on)) visit(dep, [...path, name]);
    state.set(name, 'done');
    out.push(svc);
  };
  for (const name of Object.keys(services).sort()) visit(name, []);
  return out;
}
