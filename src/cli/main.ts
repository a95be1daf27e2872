// wharf: the docker 20.10-compatible CLI. The only module that touches process.stdout/stderr/exit:
// it parses global flags, finds the command, parses its flags as pflag would, runs it and maps errors to
// docker's messages and exit codes (125 for flag errors, 1 for the rest unless a command says otherwise).
// Importing it does nothing: an entry calls runCli() (entry.ts for the plain bundles, snapshot.ts when
// the CLI starts from a V8 startup snapshot, where nothing process-specific may run at build time).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { checkArgs, errorText, helpText, PROG, setProg, StatusError, type Command, type Ctx, type Output } from './command.js';
import { connectClient } from './daemon-start.js';
import { FlagError, FlagSet, type FlagSpec } from './flags.js';
import { GROUPS, TOP, isGroup, lookupVerb, type Entry } from './registry.js';

const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'config', type: 'string', usage: 'Location of client config files', defaultText: '"/root/.docker"' },
  { name: 'context', short: 'c', type: 'string', usage: 'Name of the context to use to connect to the daemon' },
  { name: 'debug', short: 'D', type: 'bool', usage: 'Enable debug mode' },
  { name: 'host', short: 'H', type: 'list', usage: 'Daemon socket(s) to connect to' },
  { name: 'log-level', short: 'l', type: 'string', usage: 'Set the logging level ("debug"|"info"|"warn"|"error"|"fatal")', defaultText: '"info"' },
  { name: 'tls', type: 'bool', usage: 'Use TLS; implied by --tlsverify' },
  { name: 'tlscacert', type: 'string', usage: 'Trust certs signed only by this CA' },
  { name: 'tlscert', type: 'string', usage: 'Path to TLS certificate file' },
  { name: 'tlskey', type: 'string', usage: 'Path to TLS key file' },
  { name: 'tlsverify', type: 'bool', usage: 'Use TLS and verify the remote' },
  { name: 'version', short: 'v', type: 'bool', usage: 'Print version information and quit' },
];

function readFirst(paths: string[]): string | undefined {
  for (const p of paths) { try { return readFileSync(p, 'utf8'); } catch { /* next */ } }
  return undefined;
}

/** "wharf version 0.1.0, build 1a2b3c4": package.json's version and the checkout's HEAD, read without git. */
function versionLine(here: string): string {
  const roots = [join(here, '../..'), join(here, '../../..')];
  const pkg = readFirst(roots.map((r) => join(r, 'package.json')));
  const version = pkg ? (JSON.parse(pkg) as { version?: string }).version ?? 'dev' : 'dev';
  let build = 'dev';
  const root = roots.find((r) => readFirst([join(r, '.git/HEAD')]) !== undefined);
  if (root) {
    const head = readFirst([join(root, '.git/HEAD')])!.trim();
    const ref = head.startsWith('ref: ') ? readFirst([join(root, '.git', head.slice(5))])?.trim() ?? packedRef(root, head.slice(5)) : head;
    if (ref) build = ref.slice(0, 7);
  }
  return `${PROG} version ${version}, build ${build}\n`;
}

function packedRef(root: string, ref: string): string | undefined {
  const packed = readFirst([join(root, '.git/packed-refs')]) ?? '';
  return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0];
}

function rootHelp(): string {
  const lines = [`\nUsage:  ${PROG} [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nOptions:\n${new FlagSet(GLOBAL_FLAGS).usages().replace(/\s+$/, '')}\n`];
  lines.push('\nManagement Commands:');
  for (const [g, def] of Object.entries(GROUPS)) lines.push(`  ${g.padEnd(11)} ${def.short}`);
  lines.push('\nCommands:');
  for (const [name, e] of Object.entries(TOP).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const short = Array.isArray(e) ? lookupVerb(e[0], e[1])?.short : e.short;
    if (short) lines.push(`  ${name.padEnd(11)} ${short}`);
  }
  lines.push(`\nRun '${PROG} COMMAND --help' for more information on a command.\n`);
  return `${lines.join('\n')}\n`;
}

function groupHelp(group: keyof typeof GROUPS): string {
  const def = GROUPS[group];
  const verbs = Object.entries(def.verbs).map(([v, e]) => `  ${v.padEnd(11)} ${e.short}`).join('\n');
  return `\nUsage:  ${PROG} ${group} COMMAND\n\n${def.short}\n\nCommands:\n${verbs}\n\nRun '${PROG} ${group} COMMAND --help' for more information on a command.\n`;
}

function processIo(): Output {
  return {
    out: (d) => { process.stdout.write(d); },
    err: (d) => { process.stderr.write(d); },
    stdout: process.stdout,
    // process.stdin and process.stderr are made on first use (a stream, a handle): most commands never read
    // stdin and write nothing to stderr, so they are not touched to answer the terminal questions.
    get stdin() { return process.stdin; },
    stdinIsTTY: isatty(0),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: isatty(2),
    get columns() { return process.stdout.columns ?? (isatty(2) ? process.stderr.columns : undefined); },
    setRawMode: isatty(0) ? (on) => { process.stdin.setRawMode(on); } : undefined,
    ttySize: () => {
      if (!process.stdout.isTTY) return undefined;
      const [width, height] = process.stdout.getWindowSize();
      return { height, width };
    },
  };
}

let io: Output;

function readLine(): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (b: Buffer) => {
      buf += b.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl >= 0) { done(); resolve(buf.slice(0, nl)); }
    };
    const onEnd = () => { done(); resolve(buf); };
    const done = () => { process.stdin.off('data', onData); process.stdin.off('end', onEnd); process.stdin.pause(); };
    process.stdin.on('data', onData);
    process.stdin.on('end', onEnd);
  });
}


interface Resolved { entry: Entry; path: string; aliases?: string[] }

/** Finds the command for argv; returns an exit code when it printed help or an error instead. */
function resolve(args: string[]): Resolved | number {
  const name = args.shift();
  if (name === undefined) { io.out(rootHelp()); return 0; }
  if (isGroup(name)) {
    const verb = args.shift();
    if (verb === undefined || verb === '--help') { io.out(groupHelp(name)); return 0; }
    const entry = lookupVerb(name, verb);
    if (!entry) { io.err(groupHelp(name)); return 1; }
    return { entry, path: `${name} ${verb}`, aliases: entry.aliases };
  }
  const top = TOP[name];
  if (!top) { io.err(`${PROG}: '${name}' is not a ${PROG} command.\nSee '${PROG} --help'\n`); return 1; }
  if (!Array.isArray(top)) return { entry: top, path: name };
  const entry = lookupVerb(top[0], top[1]);
  if (!entry) { io.err(`${PROG}: '${name}' is not a ${PROG} command.\nSee '${PROG} --help'\n`); return 1; }
  return { entry, path: name };
}

/**
 * The registry entry the command line names, found without printing anything (undefined for help, flag errors,
 * unknown commands): src/cli/snapshot.ts uses it to hand commands its bundle left out to the full CLI.
 */
export function entryFor(argv: string[]): Entry | undefined {
  let args: string[];
  try { args = [...new FlagSet(GLOBAL_FLAGS, false).parse(argv).args]; } catch { return undefined; }
  const name = args.shift();
  if (name === undefined) return undefined;
  if (isGroup(name)) { const verb = args.shift(); return verb === undefined ? undefined : lookupVerb(name, verb); }
  const top = TOP[name];
  return Array.isArray(top) ? lookupVerb(top[0], top[1]) : top;
}

async function runCommand(cmd: Command, r: Resolved, argv: string[], ctx: Ctx): Promise<number> {
  const fs = new FlagSet(cmd.spec.flags, cmd.spec.interspersed !== false, cmd.spec.helpShort !== false);
  let parsed;
  try {
    parsed = fs.parse(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.err(`${err.message}\nSee '${PROG} ${r.path} --help'.\n`);
    return 125;
  }
  if (parsed.help) { io.out(helpText(r.path, cmd.spec, fs.usages(), r.aliases)); return 0; }
  const bad = checkArgs(cmd.spec.args, parsed.args.length, r.path, cmd.spec);
  if (bad) { io.err(`${bad}\n`); return 1; }
  const code = await cmd.run(ctx, parsed.flags, parsed.args);
  return code ?? 0;
}

async function main(argv: string[], binDir: string): Promise<number> {
  const globals = new FlagSet(GLOBAL_FLAGS, false);
  let g;
  try {
    g = globals.parse(argv);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.err(`${err.message}\nSee '${PROG} --help'.\n`);
    return 125;
  }
  if (g.flags.version === true) { io.out(versionLine(binDir)); return 0; }
  if (g.help) { io.out(rootHelp()); return 0; }
  const args = [...g.args];
  const r = resolve(args);
  if (typeof r === 'number') return r;
  const hosts = g.flags.host as string[] | undefined;
  if (hosts && hosts.length > 1) { io.err('Please specify only one -H\n'); return 1; }
  let client: ReturnType<Ctx['client']> | undefined;
  const ctx: Ctx = {
    io,
    client: () => (client ??= connectClient(hosts?.[0], process.env, io.err, binDir)),
    cmdPath: r.path,
    env: process.env,
    onSignal: (sig, handler) => { process.on(sig, handler); return () => { process.off(sig, handler); }; },
    readLine,
    debug: g.flags.debug === true,
  };
  const cmd = (await r.entry.load()).default;
  return runCommand(cmd, r, args, ctx);
}

async function exit(code: number): Promise<never> {
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  process.exit(code);
}

/** Runs one CLI invocation and exits the process. `binDir`: where the bundles (and wharfd.js) live. */
export function runCli(argv: string[], binDir: string): void {
  // A closed pipe on stdout (`wharf logs x | head`) ends the command quietly, as SIGPIPE ends docker's.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(141); throw err; });
  io = processIo();
  setProg(process.env.WHARF_PROG);
  main(argv, binDir).then(exit, (err: unknown) => {
    if (err instanceof StatusError) {
      if (err.status) io.err(`${err.status}\n`);
      return exit(err.code === 0 ? 1 : err.code);
    }
    if (process.env.WHARF_DEBUG_STACK && err instanceof Error) io.err(`${err.stack}\n`);
    io.err(`${errorText(err)}\n`);
    return exit(1);
  });
}
