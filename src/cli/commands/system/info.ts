// docker info: -f renders a template over /info; the default is a subset of docker's text layout.
import { compileTemplate, GO_TYPE } from '../../format/index.js';
import { StatusError, type Command, type Ctx } from '../../command.js';
import type { FlagValues } from '../../flags.js';
import { bytesSize } from '../../format/index.js';

type Info = Record<string, unknown> & { Plugins?: Record<string, string[] | null> };

/** docker/cli 20.10's prettyPrintServerInfo, section for section. */
export function infoText(i: Info): string {
  const s = (k: string) => String(i[k] ?? '');
  const commit = (k: string) => {
    const c = (i[k] ?? {}) as { ID?: string; Expected?: string };
    return c.ID !== c.Expected ? `${c.ID ?? ''} (expected: ${c.Expected ?? ''})` : c.ID ?? '';
  };
  const out: string[] = ['Client:', ' Context:    default', ' Debug Mode: false', '', 'Server:'];
  out.push(` Containers: ${s('Containers')}`, `  Running: ${s('ContainersRunning')}`, `  Paused: ${s('ContainersPaused')}`, `  Stopped: ${s('ContainersStopped')}`);
  out.push(` Images: ${s('Images')}`, ` Server Version: ${s('ServerVersion')}`, ` Storage Driver: ${s('Driver')}`);
  for (const [k, v] of (i.DriverStatus as [string, string][] | null) ?? []) out.push(`  ${k}: ${v}`);
  out.push(` Logging Driver: ${s('LoggingDriver')}`, ` Cgroup Driver: ${s('CgroupDriver')}`, ` Cgroup Version: ${s('CgroupVersion')}`, ' Plugins:');
  out.push(`  Volume: ${(i.Plugins?.Volume ?? []).join(' ')}`, `  Network: ${(i.Plugins?.Network ?? []).join(' ')}`);
  if (i.Plugins?.Authorization?.length) out.push(`  Authorization: ${i.Plugins.Authorization.join(' ')}`);
  out.push(`  Log: ${(i.Plugins?.Log ?? []).join(' ')}`);
  const swarm = (i.Swarm ?? {}) as { LocalNodeState?: string };
  out.push(` Swarm: ${swarm.LocalNodeState ?? 'inactive'}`);
  const runtimes = Object.keys((i.Runtimes ?? {}) as object).sort();
  if (runtimes.length) out.push(` Runtimes: ${runtimes.join(' ')}`);
  out.push(` Default Runtime: ${s('DefaultRuntime')}`, ` Init Binary: ${s('InitBinary')}`);
  out.push(` containerd version: ${commit('ContainerdCommit')}`, ` runc version: ${commit('RuncCommit')}`, ` init version: ${commit('InitCommit')}`);
  const secOpts = (i.SecurityOptions as string[] | null) ?? [];
  if (secOpts.length) {
    out.push(' Security Options:');
    for (const opt of secOpts) {
      const kv = Object.fromEntries(opt.split(',').map((p) => p.split('=', 2) as [string, string]));
      out.push(`  ${kv.name ?? opt}`);
      for (const [k, v] of Object.entries(kv)) if (k !== 'name') out.push(`   ${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`);
    }
  }
  out.push(` Kernel Version: ${s('KernelVersion')}`, ` Operating System: ${s('OperatingSystem')}`, ` OSType: ${s('OSType')}`);
  out.push(` Architecture: ${s('Architecture')}`, ` CPUs: ${s('NCPU')}`, ` Total Memory: ${bytesSize(Number(i.MemTotal ?? 0))}`);
  out.push(` Name: ${s('Name')}`, ` ID: ${s('ID')}`, ` Docker Root Dir: ${s('DockerRootDir')}`, ` Debug Mode: ${i.Debug ? 'true' : 'false'}`);
  if (i.Debug) {
    out.push(`  File Descriptors: ${s('NFd')}`, `  Goroutines: ${s('NGoroutines')}`, `  System Time: ${s('SystemTime')}`, `  EventsListeners: ${s('NEventsListener')}`);
  }
  if (i.HttpProxy) out.push(` HTTP Proxy: ${s('HttpProxy')}`);
  if (i.HttpsProxy) out.push(` HTTPS Proxy: ${s('HttpsProxy')}`);
  if (i.NoProxy) out.push(` No Proxy: ${s('NoProxy')}`);
  if (i.IndexServerAddress) out.push(` Registry: ${s('IndexServerAddress')}`);
  out.push(' Labels:');
  for (const l of (i.Labels as string[] | null) ?? []) out.push(`  ${l}`);
  out.push(` Experimental: ${i.ExperimentalBuild ? 'true' : 'false'}`);
  const reg = (i.RegistryConfig ?? {}) as { InsecureRegistryCIDRs?: string[]; Mirrors?: string[] };
  out.push(' Insecure Registries:');
  for (const c of reg.InsecureRegistryCIDRs ?? []) out.push(`  ${c}`);
  if (reg.Mirrors?.length) { out.push(' Registry Mirrors:'); for (const m of reg.Mirrors) out.push(`  ${m}`); }
  out.push(` Live Restore Enabled: ${i.LiveRestoreEnabled ? 'true' : 'false'}`);
  return `${out.join('\n')}\n\n`;
}

async function run(ctx: Ctx, flags: FlagValues): Promise<number> {
  const client = await ctx.client();
  const info = await client.info() as Info;
  const format = flags.format as string | undefined;
  if (format) {
    // docker/cli's formatInfo: a parse error is exit 64; an execution error keeps the output so far, then
    // a newline, then the bare error (exit 1). The data is its `info` struct: types.Info plus ClientInfo.
    let tmpl;
    try { tmpl = compileTemplate(format); } catch (err) { throw new StatusError(`template parsing error: ${(err as Error).message}`, 64); }
    const data: Record<string | symbol, unknown> = { [GO_TYPE]: 'system.info', ...info, ClientInfo: { Debug: ctx.debug, Context: 'default', Plugins: [], Warnings: null } };
    Object.defineProperty(data, 'ClientErrors', { value: [], enumerable: false });
    Object.defineProperty(data, 'ServerErrors', { value: null, enumerable: false });
    const { out, error } = tmpl.executePartial(data);
    ctx.io.out(`${out}\n`);
    if (error) throw new StatusError(error.message, 1);
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
