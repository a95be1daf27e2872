// docker login: credentials from flags, stdin or prompts (existing ones tried first), checked by the daemon
// (POST /auth), then stored in the config file or its credential helper.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { DockerConfig, INDEX_SERVER, type AuthEntry } from '../../docker-config.js';

async function readAll(ctx: Ctx): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.io.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function run(ctx: Ctx, flags: FlagValues, args: string[]): Promise<number> {
  let user = (flags.username as string | undefined) ?? '';
  let password = (flags.password as string | undefined) ?? '';
  if (password) {
    ctx.io.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    if (flags['password-stdin'] === true) throw new Error('--password and --password-stdin are mutually exclusive');
  }
  if (flags['password-stdin'] === true) {
    if (!user) throw new Error('Must provide --username with --password-stdin');
    password = (await readAll(ctx)).replace(/\n$/, '').replace(/\r$/, '');
  }
  const server = args[0] ?? INDEX_SERVER;
  const cfg = DockerConfig.load(ctx.env);
  const client = await ctx.client();
  let auth: AuthEntry | undefined;
  let response: { Status: string; IdentityToken?: string } | undefined;
  if (!user && !password) {
    const stored = await cfg.get(server).catch(() => undefined);
    if (stored?.username && stored.password) {
      ctx.io.out('Authenticating with existing credentials...\n');
      response = await client.login({ ...stored, serveraddress: server }).catch(() => undefined);
      if (response) auth = stored;
    }
  }
  if (!response) {
    if (!user || !password) {
      if (!ctx.io.stdinIsTTY) throw new Error('Error: Cannot perform an interactive login from a non TTY device');
      if (!user) { ctx.io.out('Username: '); user = (await ctx.readLine()).trim(); }
      if (!user) throw new Error('Error: Non-null Username Required');
      if (!password) { ctx.io.out('Password: '); password = await ctx.readLine(); ctx.io.out('\n'); }
      if (!password) throw new Error('Error: Password Required');
    }
    auth = { username: user, password, serveraddress: server };
    response = await client.login(auth);
  }
  const entry: AuthEntry = { ...auth!, serveraddress: server };
  if (response.IdentityToken) { delete entry.password; entry.identitytoken = response.IdentityToken; }
  if (cfg.isFileStore(server) && entry.password) {
    ctx.io.err(`WARNING! Your password will be stored unencrypted in ${cfg.path}.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n`);
  }
  try {
    await cfg.store(server, entry);
  } catch (err) {
    throw new Error(`Error saving credentials: ${(err as Error).message}`);
  }
  if (response.Status) ctx.io.out(`${response.Status}\n`);
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS] [SERVER]',
    short: 'Log in to a Docker registry',
    flags: [
      { name: 'password', short: 'p', type: 'string', usage: 'Password' },
      { name: 'password-stdin', type: 'bool', usage: 'Take the password from stdin' },
      { name: 'username', short: 'u', type: 'string', usage: 'Username' },
    ],
    args: { kind: 'max', n: 1 },
  },
  run,
};
export default command;
