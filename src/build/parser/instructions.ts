// AST -> typed instructions, following BuildKit's instructions.ParseInstruction (instructions/parse.go):
// argument counts, flags and HEALTHCHECK options are validated here with BuildKit's messages, each error
// wrapped as "dockerfile parse error on line N: ...".
import { InvalidParameter } from '../../errors.js';
import { parseFlags, type FlagSpec, type ParsedFlags } from './bflags.js';
import { parseGoDuration } from '../../units/index.js';
import { goQuote } from './go-strings.js';
import { chompHeredocContent, mustParseHeredoc } from './heredoc.js';
import type * as T from './instruction-types.js';
import { KNOWN_INSTRUCTIONS } from './line-parsers.js';
import type { Heredoc, Node } from './node.js';
import { DockerfileParseError } from './parse-error.js';
import { suggest } from './suggest.js';

interface Req {
  cmd: string;
  args: string[];
  json: boolean;
  heredocs: Heredoc[];
  rawFlags: string[];
  base: T.InstructionBase;
}

const err = (msg: string): InvalidParameter => new InvalidParameter(msg);
const atLeastOne = (c: string): InvalidParameter => err(`${c} requires at least one argument`);
const exactlyOne = (c: string): InvalidParameter => err(`${c} requires exactly one argument`);

// nodeArgs: the `next` chain; ONBUILD's wrapped instruction contributes its keyword and arguments.
function nodeArgs(node: Node): string[] {
  const out: string[] = [];
  for (let n = node.next; n; n = n.next) {
    if (n.children.length === 0) out.push(n.value);
    else if (n.children.length === 1) out.push(n.children[0]!.value, ...nodeArgs(n.children[0]!));
  }
  return out;
}

const flags = (req: Req, spec: FlagSpec = {}): ParsedFlags => parseFlags(req.rawFlags, spec);
const str = (f: ParsedFlags, name: string): string | undefined => f.values.get(name);
const bool = (f: ParsedFlags, name: string): boolean | undefined =>
  f.values.has(name) ? f.values.get(name) === 'true' : undefined;

// handleJSONArgs: exec form as is; shell form joined into one string.
function cmdLine(req: Req): T.CommandLine {
  const args = req.json || req.args.length === 0 ? req.args : [req.args.join(' ')];
  return { command: args, prependShell: !req.json, heredocs: req.heredocs };
}

function parseKvps(args: string[], cmdName: string): T.KeyValue[] {
  if (args.length === 0) throw atLeastOne(cmdName);
  if (args.length % 3 !== 0) throw err(`Bad input to ${cmdName}, too many arguments`);
  const out: T.KeyValue[] = [];
  for (let j = 0; j < args.length; j += 3) {
    if (args[j] === '') throw err(`${cmdName} names can not be blank`);
    out.push({ key: args[j]!, value: args[j + 1]!, noDelim: args[j + 2] === '' });
  }
  return out;
}

function needDest(req: Req, cmdName: string): void {
  if (req.args.length < 2) {
    throw err(`${cmdName} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
}

function sourcesAndDest(req: Req, cmdName: string): { sources: string[]; contents: T.SourceContent[]; dest: string } {
  const dest = req.args[req.args.length - 1]!;
  if (mustParseHeredoc(dest)) throw err(`${cmdName} cannot accept a heredoc as a destination`);
  const byName = new Map(req.heredocs.map((h) => [h.name, h]));
  const sources: string[] = [];
  const contents: T.SourceContent[] = [];
  for (const src of req.args.slice(0, -1)) {
    const doc = mustParseHeredoc(src);
    if (!doc) { sources.push(src); continue; }
    const body = byName.get(doc.name)?.content ?? '';
    contents.push({ path: doc.name, data: doc.chomp ? chompHeredocContent(body) : body, expand: doc.expand });
  }
  return { sources, contents, dest };
}

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

function parseFrom(req: Req): T.FromInstruction {
  const a = req.args;
  let stageName: string | undefined;
  if (a.length === 3 && a[1]!.toLowerCase() === 'as') {
    stageName = a[2]!.toLowerCase();
    if (!STAGE_NAME.test(stageName)) {
      throw err(`invalid name for build stage: ${goQuote(a[2]!)}, name can't start with a number or contain symbols`);
    }
  } else if (a.length !== 1) {
    throw err('FROM requires either one or three arguments');
  }
  const f = flags(req, { platform: 'string' });
  return { kind: 'from', ...req.base, image: a[0]!, stageName, platform: str(f, 'platform') };
}

function parseCopy(req: Req): T.CopyInstruction {
  needDest(req, 'COPY');
  // Docker 20.10's COPY, ADD and RUN flags only (its Dockerfile frontend predates --link, --parents, --exclude,
  // --checksum, --network, --security): anything newer is "Unknown flag".
  const f = flags(req, { chown: 'string', from: 'string', chmod: 'string' });
  return {
    kind: 'copy', ...req.base, ...sourcesAndDest(req, 'COPY'), from: str(f, 'from'), chown: str(f, 'chown'),
    chmod: str(f, 'chmod'), link: bool(f, 'link') ?? false, parents: bool(f, 'parents') ?? false,
    exclude: f.lists.get('exclude') ?? [],
  };
}

function parseAdd(req: Req): T.AddInstruction {
  needDest(req, 'ADD');
  const f = flags(req, { chown: 'string', chmod: 'string' });
  return {
    kind: 'add', ...req.base, ...sourcesAndDest(req, 'ADD'), chown: str(f, 'chown'), chmod: str(f, 'chmod'),
    link: bool(f, 'link') ?? false, keepGitDir: bool(f, 'keep-git-dir'), checksum: str(f, 'checksum'),
    unpack: bool(f, 'unpack'), exclude: f.lists.get('exclude') ?? [],
  };
}

function parseRun(req: Req): T.RunInstruction {
  const f = flags(req, { mount: 'strings' });
  return {
    kind: 'run', ...req.base, ...cmdLine(req), mounts: f.lists.get('mount') ?? [],
    network: str(f, 'network'), security: str(f, 'security'), devices: f.lists.get('device') ?? [],
  };
}

// parseOptInterval: "" means unset (0); anything else must be a Go duration of at least 1ms (0 allowed).
function interval(f: ParsedFlags, name: string): number {
  const v = str(f, name) ?? '';
  if (v === '') return 0;
  const ns = parseGoDuration(v);
  if (ns !== 0 && ns < 1e6) throw err(`Interval ${goQuote(name)} cannot be less than 1ms`);
  return ns;
}

function parseRetries(v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  const n = /^[+-]?[0-9]+$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) throw err(`strconv.ParseInt: parsing ${goQuote(v)}: invalid syntax`);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw err(`strconv.ParseInt: parsing ${goQuote(v)}: value out of range`);
  if (n < 0) throw err(`--retries cannot be negative (${n})`);
  return n;
}

function parseHealthcheck(req: Req): T.HealthcheckInstruction {
  if (req.args.length === 0) throw atLeastOne('HEALTHCHECK');
  const typ = req.args[0]!.toUpperCase();
  const rest = req.args.slice(1);
  const none = { interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 };
  if (typ === 'NONE') {
    if (rest.length !== 0) throw err('HEALTHCHECK NONE takes no arguments');
    return { kind: 'healthcheck', ...req.base, test: ['NONE'], ...none };
  }
  const f = flags(req, {
    interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string',
  });
  if (typ !== 'CMD') throw err(`Unknown type ${goQuote(typ)} in HEALTHCHECK (try CMD)`);
  const cmd = req.json || rest.length === 0 ? rest : [rest.join(' ')];
  if (cmd.length === 0) throw err('Missing command after HEALTHCHECK CMD');
  return {
    kind: 'healthcheck', ...req.base, test: [req.json ? 'CMD' : 'CMD-SHELL', ...cmd],
    interval: interval(f, 'interval'), timeout: interval(f, 'timeout'), startPeriod: interval(f, 'start-period'),
    startInterval: interval(f, 'start-interval'), retries: parseRetries(str(f, 'retries')),
  };
}

function parseOnbuild(req: Req, node: Node): T.OnbuildInstruction {
  if (req.args.length === 0) throw atLeastOne('ONBUILD');
  flags(req);
  const trigger = req.args[0]!.trim().toUpperCase();
  if (trigger === 'ONBUILD') throw err('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (trigger === 'MAINTAINER' || trigger === 'FROM') throw err(`${trigger} isn't allowed as an ONBUILD trigger`);
  let expression = node.original.replace(/^\s*ONBUILD\s*/i, '');
  for (const doc of req.heredocs) expression += '\n' + doc.content + doc.name;
  return { kind: 'onbuild', ...req.base, expression };
}

function one(req: Req, name: string): string {
  if (req.args.length !== 1) throw exactlyOne(name);
  return req.args[0]!;
}

type Parser = (req: Req, node: Node) => T.Instruction;

const PARSERS: Record<string, Parser> = {
  env: (r) => { flags(r); return { kind: 'env', ...r.base, pairs: parseKvps(r.args, 'ENV') }; },
  label: (r) => { flags(r); return { kind: 'label', ...r.base, pairs: parseKvps(r.args, 'LABEL') }; },
  maintainer: (r) => { const m = one(r, 'MAINTAINER'); flags(r); return { kind: 'maintainer', ...r.base, maintainer: m }; },
  add: parseAdd,
  copy: parseCopy,
  from: parseFrom,
  onbuild: parseOnbuild,
  workdir: (r) => { const p = one(r, 'WORKDIR'); flags(r); return { kind: 'workdir', ...r.base, path: p }; },
  run: parseRun,
  cmd: (r) => { flags(r); return { kind: 'cmd', ...r.base, ...cmdLine(r) }; },
  entrypoint: (r) => { flags(r); return { kind: 'entrypoint', ...r.base, ...cmdLine(r) }; },
  healthcheck: parseHealthcheck,
  expose: (r) => {
    if (r.args.length === 0) throw atLeastOne('EXPOSE');
    flags(r);
    return { kind: 'expose', ...r.base, ports: [...r.args].sort() };
  },
  user: (r) => { const u = one(r, 'USER'); flags(r); return { kind: 'user', ...r.base, user: u }; },
  volume: (r) => {
    if (r.args.length === 0) throw atLeastOne('VOLUME');
    flags(r);
    const volumes = r.args.map((v) => v.trim());
    if (volumes.includes('')) throw err('VOLUME specified can not be an empty string');
    return { kind: 'volume', ...r.base, volumes };
  },
  // BuildKit never parses STOPSIGNAL's or ARG's flags, so stray ones are ignored there too.
  stopsignal: (r) => ({ kind: 'stopsignal', ...r.base, signal: one(r, 'STOPSIGNAL') }),
  arg: (r) => {
    if (r.args.length === 0) throw atLeastOne('ARG');
    return { kind: 'arg', ...r.base, args: r.args.map(parseArgPair) };
  },
  shell: (r) => {
    flags(r);
    if (r.args.length === 0) throw atLeastOne('SHELL');
    if (!r.json) throw err('SHELL requires the arguments to be in JSON form');
    return { kind: 'shell', ...r.base, shell: r.args };
  },
};

function parseArgPair(arg: string): { key: string; value?: string } {
  const eq = arg.indexOf('=');
  if (eq < 0) return { key: arg };
  if (eq === 0) throw err('ARG names can not be blank');
  return { key: arg.slice(0, eq), value: arg.slice(eq + 1) };
}

function unknownInstruction(value: string): InvalidParameter {
  const match = suggest(value, [...KNOWN_INSTRUCTIONS].map((k) => k.toUpperCase()), false);
  return err(`unknown instruction: ${value}${match ? ` (did you mean ${match}?)` : ''}`);
}

/** One typed instruction from an instruction node of the AST. */
export function instructionFromNode(node: Node): T.Instruction {
  const req: Req = {
    cmd: node.value,
    args: nodeArgs(node),
    json: node.attributes.json === true,
    heredocs: node.heredocs,
    rawFlags: node.flags,
    base: { line: node.startLine, endLine: node.endLine, original: node.original, flags: node.flags, comments: node.prevComment },
  };
  const fn = Object.hasOwn(PARSERS, node.value.toLowerCase()) ? PARSERS[node.value.toLowerCase()] : undefined;
  try {
    if (!fn) throw unknownInstruction(node.value);
    return fn(req, node);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new DockerfileParseError(detail, { startLine: node.startLine, endLine: node.endLine }, e);
  }
}

/** Every instruction of a parsed Dockerfile, in order (BuildKit's instructions.Parse without stage grouping). */
export function instructionsFromAst(ast: Node): T.Instruction[] {
  return ast.children.map(instructionFromNode);
}
