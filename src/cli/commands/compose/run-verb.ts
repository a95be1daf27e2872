// `compose run`: docker compose v2.20's one-off container. Dependencies are converged with progress on
// stderr, the container is created by src/compose (createOneOff), then started the way compose does it, through
// docker's own `start` code: attached (stdin too unless -i=false) with the container's exit status as ours, or
// with -d printing the container ID.
import { ComposeError, createOneOff, splitWords } from '../../../compose/index.js';
import type { FlagValues } from '../../flags.js';
import type { ComposeCtx } from './compose.js';
import { builder } from './builder.js';
import type { Verb } from './verb.js';

function list(flags: FlagValues, name: string): string[] {
  return (flags[name] as string[] | undefined) ?? [];
}

function labels(flags: FlagValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list(flags, 'label')) {
    const i = l.indexOf('=');
    if (i < 0) throw new ComposeError('label must be set as KEY=VALUE');
    out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

/** compose's TTY choice: -T wins, the hidden -t may not be combined with it, else a TTY when stdout is one. */
function noTty(cc: ComposeCtx, flags: FlagValues): boolean {
  const t = flags.tty as boolean | undefined;
  const T = flags['no-TTY'] as boolean | undefined;
  if (t !== undefined) {
    if (T !== undefined) throw new ComposeError("--tty and --no-TTY can't be used together");
    return !t;
  }
  return T ?? !cc.ctx.io.stdoutIsTTY;
}

export const run: Verb = {
  use: '[OPTIONS] SERVICE [COMMAND] [ARGS...]',
  short: 'Run a one-off command on a service.',
  interspersed: false,
  flags: [
    { name: 'build', type: 'bool', usage: 'Build image before starting container.' },
    { name: 'cap-add', type: 'list', usage: 'Add Linux capabilities', varName: 'list' },
    { name: 'cap-drop', type: 'list', usage: 'Drop Linux capabilities', varName: 'list' },
    { name: 'detach', short: 'd', type: 'bool', usage: 'Run container in background and print container ID' },
    { name: 'entrypoint', type: 'string', usage: 'Override the entrypoint of the image' },
    { name: 'env', short: 'e', type: 'list', usage: 'Set environment variables', varName: 'stringArray' },
    { name: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached.', defaultText: 'true' },
    { name: 'label', short: 'l', type: 'list', usage: 'Add or override a label', varName: 'stringArray' },
    { name: 'name', type: 'string', usage: 'Assign a name to the container' },
    { name: 'no-TTY', short: 'T', type: 'bool', usage: 'Disable pseudo-TTY allocation (default: auto-detected).', defaultText: 'true' },
    { name: 'no-deps', type: 'bool', usage: "Don't start linked services." },
    { name: 'publish', short: 'p', type: 'list', usage: "Publish a container's port(s) to the host.", varName: 'stringArray' },
    { name: 'pull', type: 'string', usage: 'Pull image before running ("always"|"missing"|"never")', defaultText: '"policy"' },
    { name: 'quiet-pull', type: 'bool', usage: 'Pull without printing progress information.' },
    { name: 'remove-orphans', type: 'bool', usage: 'Remove containers for services not defined in the Compose file.' },
    { name: 'rm', type: 'bool', usage: 'Automatically remove the container when it exits' },
    { name: 'service-ports', type: 'bool', usage: "Run command with the service's ports enabled and mapped to the host." },
    { name: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY.', hidden: true },
    { name: 'use-aliases', type: 'bool', usage: "Use the service's network useAliases in the network(s) the container connects to." },
    { name: 'user', short: 'u', type: 'string', usage: 'Run as specified username or uid' },
    { name: 'volume', short: 'v', type: 'list', usage: 'Bind mount a volume.', varName: 'stringArray' },
    { name: 'workdir', short: 'w', type: 'string', usage: 'Working directory inside the container' },
  ],
  async run(cc, flags, args) {
    if (args.length < 1) throw new ComposeError('"docker compose run" requires at least 1 argument.');
    const [service, ...command] = args as [string, ...string[]];
    if (list(flags, 'publish').length && flags['service-ports'] === true) throw new ComposeError('--service-ports and --publish are incompatible');
    const tty = !noTty(cc, flags);
    const interactive = flags.interactive !== false;
    const detach = flags.detach === true;
    const entrypoint = flags.entrypoint as string | undefined;
    const userLabels = labels(flags);
    if (tty && interactive && !detach && !cc.ctx.io.stdinIsTTY) throw new ComposeError('the input device is not a TTY');
    const ops = await cc.ops();
    let created;
    try {
      created = await createOneOff(ops, {
        service,
        command,
        entrypoint: entrypoint === undefined ? undefined : splitWords(entrypoint),
        env: list(flags, 'env'),
        labels: userLabels,
        user: flags.user as string | undefined,
        workdir: flags.workdir as string | undefined,
        name: flags.name as string | undefined,
        tty,
        interactive,
        autoRemove: flags.rm === true,
        noDeps: flags['no-deps'] === true,
        servicePorts: flags['service-ports'] === true,
        publish: list(flags, 'publish'),
        volumes: list(flags, 'volume'),
        capAdd: list(flags, 'cap-add'),
        capDrop: list(flags, 'cap-drop'),
        useAliases: flags['use-aliases'] === true,
        build: flags.build === true,
        pull: (flags.pull as string | undefined) || undefined,
        removeOrphans: flags['remove-orphans'] === true,
      }, builder(cc));
    } finally {
      ops.progress.finish();
    }
    const start = (await import('../container/start.js')).default;
    // Detached, docker's start prints the ID it was given; attached it returns the container's exit status.
    return start.run(cc.ctx, detach ? {} : { attach: true, interactive: interactive || undefined }, [created.id]);
  },
};
