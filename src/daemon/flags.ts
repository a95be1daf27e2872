// wharfd's command line, shaped like dockerd's: -H/--host, --data-root, --runtime, -D/--debug, --pidfile.
export interface DaemonFlags {
  socketPath: string;
  dataRoot: string;
  runtime: 'runc' | 'crun';
  debug: boolean;
  pidfile: string | undefined;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage:\twharfd [OPTIONS]

A self-sufficient runtime for containers (Docker Engine API compatible).

Options:
  -D, --debug              Enable debug mode
      --data-root string   Root directory of persistent wharf state (default "/var/lib/wharf")
  -H, --host string        Daemon socket to listen on (default "unix:///run/wharf/wharf.sock")
  -p, --pidfile string     Path to use for daemon PID file (default "<data-root>/wharfd.pid")
      --runtime string     OCI runtime: runc or crun (default "runc")
  -v, --version            Print version information and quit
`;

export class FlagError extends Error {}

export function parseDaemonFlags(argv: string[]): DaemonFlags {
  const flags: DaemonFlags = { socketPath: '/run/wharf/wharf.sock', dataRoot: '/var/lib/wharf', runtime: 'runc', debug: false, pidfile: undefined, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new FlagError(`flag needs an argument: ${name}`);
      return v;
    };
    switch (name) {
      case '-H': case '--host': {
        const host = value();
        if (!host.startsWith('unix://') && host.includes('://')) throw new FlagError(`only unix sockets are supported: ${host}`);
        flags.socketPath = host.replace(/^unix:\/\//, '');
        break;
      }
      case '--data-root': case '-g': flags.dataRoot = value(); break;
      case '--runtime': case '--default-runtime': {
        const rt = value();
        if (rt !== 'runc' && rt !== 'crun') throw new FlagError(`unknown runtime "${rt}": expected runc or crun`);
        flags.runtime = rt;
        break;
      }
      case '-p': case '--pidfile': flags.pidfile = value(); break;
      case '-D': case '--debug': flags.debug = true; break;
      case '-h': case '--help': flags.help = true; break;
      case '-v': case '--version': flags.version = true; break;
      default: throw new FlagError(`unknown flag: ${arg}`);
    }
  }
  return flags;
}
