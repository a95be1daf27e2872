// wharfd's command line, shaped like dockerd's: -H/--host, --data-root, --runtime, -D/--debug, --pidfile.
export interface DaemonFlags {
  socketPath: string;
  dataRoot: string;
  runtime: 'runc' | 'crun';
  debug: boolean;
  pidfile: string | undefined;
  /** dockerd's --config-file: daemon.json-like settings (insecure-registries, registry-mirrors). */
  configFile: string;
  configFileExplicit: boolean;
  /** Flags repeated from the config file's keys (dockerd accepts both). */
  insecureRegistries: string[];
  registryMirrors: string[];
  /** dockerd's -b/--bridge and --bip: the default bridge network's interface and gateway/prefix. */
  bridge: string | undefined;
  bip: string | undefined;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage:\twharfd [OPTIONS]

A self-sufficient runtime for containers (Docker Engine API compatible).

Options:
  -b, --bridge string      Attach containers to a network bridge (default "wharf0")
      --bip string         Specify network bridge IP
      --config-file string  Daemon configuration file (default "/etc/wharf/daemon.json")
  -D, --debug              Enable debug mode
      --data-root string   Root directory of persistent wharf state (default "/var/lib/wharf")
  -H, --host string        Daemon socket to listen on (default "unix:///run/wharf/wharf.sock")
  -p, --pidfile string     Path to use for daemon PID file (default "<data-root>/wharfd.pid")
      --insecure-registry list  Enable insecure registry communication
      --registry-mirror list    Preferred Docker registry mirror
      --runtime string     OCI runtime: runc or crun (default "runc")
  -v, --version            Print version information and quit
`;

export class FlagError extends Error {}

export function parseDaemonFlags(argv: string[]): DaemonFlags {
  const flags: DaemonFlags = { socketPath: '/run/wharf/wharf.sock', dataRoot: '/var/lib/wharf', runtime: 'runc', debug: false, pidfile: undefined, configFile: '/etc/wharf/daemon.json', configFileExplicit: false, insecureRegistries: [], registryMirrors: [], bridge: undefined, bip: undefined, help: false, version: false };
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
      case '--config-file': flags.configFile = value(); flags.configFileExplicit = true; break;
      case '--insecure-registry': flags.insecureRegistries.push(value()); break;
      case '--registry-mirror': flags.registryMirrors.push(value()); break;
      case '-b': case '--bridge': flags.bridge = value(); break;
      case '--bip': flags.bip = value(); break;
      case '-D': case '--debug': flags.debug = true; break;
      case '-h': case '--help': flags.help = true; break;
      case '-v': case '--version': flags.version = true; break;
      default: throw new FlagError(`unknown flag: ${arg}`);
    }
  }
  return flags;
}
