// docker info: -f renders a template over /info; the default is a subset of docker's text layout.
import { compileTemplate } from '../../format/index.js';
import type { Command, Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { humanSize } from '../../format/index.js';

type Info = Record<string, unknown> & { Plugins?: Record<string, string[] | null> };

export function infoText(i: Info): string {
  const s = (k: string) => String(i[k] ?? '');
  const lines = [
    'Client:', ' Context:    default', ' Debug Mode: false', '', 'Server:',
    ` Containers: ${s('Containers')}`, `  Running: ${s('ContainersRunning')}`, `  Paused: ${s('ContainersPaused')}`, `  Stopped: ${s('ContainersStopped')}`,
    ` Images: ${s('Images')}`, ` Server Version: ${s('ServerVersion')}`, ` Storage Driver: ${s('Driver')}`,
    ` Logging Driver: ${s('LoggingDriver')}`, ` Cgroup Driver: ${s('CgroupDriver')}`, ` Cgroup Version: ${s('CgroupVersion')}`,
    ' Plugins:',
    `  Volume: ${(i.Plugins?.Volume ?? []).join(' ')}`,
    `  Network: ${(i.Plugins?.Network ?? []).join(' ')}`,
    `  Log: ${(i.Plugins?.Log ?? []).join(' ')}`,
    ` Default Runtime: ${s('DefaultRuntime')}`,
    ` Kernel Version: ${s('KernelVersion')}`, ` Operating System: ${s('OperatingSystem')}`, ` OSType: ${s('OSType')}`,
    ` Architecture: ${s('Architecture')}`, ` CPUs: ${s('NCPU')}`, ` Total Memory: ${humanSize(Number(i.MemTotal ?? 0))}`,
    ` Name: ${s('Name')}`, ` ID: ${s('ID')}`, ` Docker Root Dir: ${s('DockerRootDir')}`,
    ` Debug Mode: ${i.Debug ? 'true' : 'false'}`, ` Experimental: ${i.ExperimentalBuild ? 'true' : 'false'}`,
    ` Live Restore Enabled: ${i.LiveRestoreEnabled ? 'true' : 'false'}`,
  ];
  return `${lines.join('\n')}\n\n`;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const client = await ctx.client();
  const info = await client.info() as Info;
  const format = flags.format as string | undefined;
  if (format) {
    let tmpl;
    try { tmpl = compileTemplate(format); } catch (err) { throw new Error(`template: ${(err as Error).message}`); }
    ctx.io.out(`${tmpl.execute(info)}\n`);
    return 0;
  }
  ctx.io.out(infoText(info));
  return 0;
}

const command: Command = {
  spec: {
    use: '[OPTIONS]',
    short: 'Display system-wide information',
    flags: [{ name: 'format', short: 'f', type: 'string', usage: 'Format the output using the given Go template' }],
    args: { kind: 'none' },
  },
  run,
};
export default command;
