// docker logout: erase the server's credentials (host, http:// and https:// forms) from the config file or
// its credential helper.
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { DockerConfig, INDEX_SERVER } from '../../docker-config.js';

async function run(ctx: Ctx, _flags: FlagValues, args: string[]): Promise<number> {
  const server = args[0] ?? INDEX_SERVER;
  const isDefault = server === INDEX_SERVER;
  const host = isDefault ? server : server.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  const keys = isDefault ? [server] : [host, `http://${host}`, `https://${host}`];
  ctx.io.out(`Removing login credentials for ${host}\n`);
  const cfg = DockerConfig.load(ctx.env);
  const errs: string[] = [];
  for (const k of keys) await cfg.erase(k).catch((e: Error) => errs.push(`${k}: ${e.message}`));
  if (errs.length === keys.length) ctx.io.err(`WARNING: could not erase credentials:\n${errs.join('\n')}\n`);
  return 0;
}

const command: Command = {
  spec: { use: '[SERVER]', short: 'Log out from a Docker registry', flags: [], args: { kind: 'max', n: 1 } },
  run,
};
export default command;
