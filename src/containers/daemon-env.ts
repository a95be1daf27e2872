// A container process's environment as dockerd builds it (Container.CreateDaemonEnvironment): PATH, HOSTNAME,
// TERM for a tty and the links' variables first, then the container's Env replacing those in place or appended.
// An entry without "=" ("-e FOO" with FOO unset in the client's environment) unsets the variable.

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function daemonEnvironment(configEnv: readonly string[], hostname: string, tty: boolean, linked: readonly string[] = []): string[] {
  const out = [DEFAULT_PATH, `HOSTNAME=${hostname}`, ...(tty ? ['TERM=xterm'] : []), ...linked];
  // opts.ReplaceOrAppendEnvValues: keys of the defaults only (an appended key appended twice stays twice).
  const index = new Map<string, number>();
  out.forEach((e, i) => index.set(e.slice(0, e.indexOf('=')), i));
  for (const value of configEnv) {
    const eq = value.indexOf('=');
    const at = index.get(eq < 0 ? value : value.slice(0, eq));
    if (eq < 0) { if (at !== undefined) out[at] = ''; continue; }
    if (at !== undefined) out[at] = value;
    else out.push(value);
  }
  return out.filter((e) => e !== '');
}
