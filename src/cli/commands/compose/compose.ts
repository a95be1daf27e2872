// `wharf compose`: docker compose v2's command line. Global flags (-f, -p, --project-directory, --env-file,
// --profile) come before the verb; each verb parses its own flags. Errors print compose's text and exit 1.
import { isDaemonError } from '../../../client/index.js';
import {
  ComposeError, loadProject, plainProgress, ttyProgress, ProjectOps, type Progress, type Project,
} from '../../../compose/index.js';
import { PROG, type Command, type Ctx } from '../../command.js';
import { FlagError, FlagSet, type FlagSpec, type FlagValues } from '../../flags.js';
import { VERBS, type Verb } from './verbs.js';

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'ansi', type: 'string', usage: 'Control when to print ANSI control characters ("never"|"always"|"auto")', defaultText: 'auto' },
  { name: 'compatibility', type: 'bool', usage: 'Run compose in backward compatibility mode' },
  { name: 'dry-run', type: 'bool', usage: 'Execute command in dry run mode' },
  { name: 'env-file', type: 'list', usage: 'Specify an alternate environment file.', varName: 'stringArray' },
  { name: 'file', short: 'f', type: 'list', usage: 'Compose configuration files', varName: 'stringArray' },
  { name: 'parallel', type: 'int', usage: 'Control max parallelism, -1 for unlimited', defaultText: '-1' },
  { name: 'profile', type: 'list', usage: 'Specify a profile to enable', varName: 'stringArray' },
  { name: 'progress', type: 'string', usage: 'Set type of progress output (auto, tty, plain, quiet)', defaultText: 'auto' },
  { name: 'project-directory', type: 'string', usage: 'Specify an alternate working directory\n(default: the path of the, first specified, Compose file)' },
  { name: 'project-name', short: 'p', type: 'string', usage: 'Project name' },
];

/** What every compose verb runs with: the loaded project (lazily), the ops, the progress writer. */
export interface ComposeCtx {
  ctx: Ctx;
  global: FlagValues;
  project(): Project;
  ops(): Promise<ProjectOps>;
  progress(title?: string): Progress;
}

function helpText(): string {
  const verbs = Object.entries(VERBS).map(([v, e]) => `  ${v.padEnd(11)} ${e.short}`).join('\n');
  const fs = new FlagSet(GLOBAL_FLAGS);
  return `\nUsage:  ${PROG} compose [OPTIONS] COMMAND\n\nDefine and run multi-container applications with Docker.\n\nOptions:\n${fs.usages().replace(/\s+$/, '')}\n\nCommands:\n${verbs}\n\nRun '${PROG} compose COMMAND --help' for more information on a command.\n`;
}

function verbHelp(name: string, v: Verb): string {
  const fs = new FlagSet(v.flags);
  let s = `\nUsage:  ${PROG} compose ${name} ${v.use}\n\n${v.short}\n`;
  if (v.flags.length) s += `\nOptions:\n${fs.usages().replace(/\s+$/, '')}\n`;
  return s;
}

async function run(ctx: Ctx, global: FlagValues, args: string[]): Promise<number> {
  const verbName = args[0];
  if (verbName === undefined) { ctx.io.out(helpText()); return 0; }
  const verb = Object.hasOwn(VERBS, verbName) ? VERBS[verbName] : undefined;
  if (!verb) {
    ctx.io.err(`unknown docker command: "compose ${verbName}"\n`);
    return 1;
  }
  const fs = new FlagSet(verb.flags, verb.interspersed !== false);
  let parsed;
  try {
    parsed = fs.parse(args.slice(1));
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    ctx.io.err(`${err.message}\n`);
    return 1;
  }
  if (parsed.help) { ctx.io.out(verbHelp(verbName, verb)); return 0; }

  let project: Project | undefined;
  const cc: ComposeCtx = {
    ctx,
    global,
    project: () => (project ??= loadProject({
      files: (global.file as string[] | undefined) ?? [],
      projectName: global['project-name'] as string | undefined,
      projectDirectory: global['project-directory'] as string | undefined,
      envFiles: global['env-file'] as string[] | undefined,
      profiles: global.profile as string[] | undefined,
      env: ctx.env,
      cwd: process.cwd(),
    })),
    ops: async () => new ProjectOps(await ctx.client(), cc.project(), cc.progress(), (m) => ctx.io.err(`WARN[0000] ${m} \n`)),
    progress: (title) => {
      const mode = (global.progress as string | undefined) ?? 'auto';
      const tty = mode === 'tty' || (mode === 'auto' && process.stderr.isTTY === true && global.ansi !== 'never');
      if (mode === 'quiet') return { event() { /* quiet */ }, finish() { /* quiet */ } };
      return tty ? ttyProgress((s) => ctx.io.err(s), process.stderr.columns ?? 80, title) : plainProgress((s) => ctx.io.err(s));
    },
  };
  try {
    return (await verb.run(cc, parsed.flags, parsed.args)) ?? 0;
  } catch (err) {
    if (err instanceof ComposeError || err instanceof Error) {
      const msg = isDaemonError(err) ? `Error response from daemon: ${err.message}` : err.message;
      ctx.io.err(`${msg}\n`);
      return 1;
    }
    throw err;
  }
}

const command: Command = {
  spec: {
    use: '[OPTIONS] COMMAND',
    short: 'Docker Compose',
    flags: GLOBAL_FLAGS,
    interspersed: false,
  },
  run,
};
export default command;
