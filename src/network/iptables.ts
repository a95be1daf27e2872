// wharf's iptables rules. Each daemon owns three chains named after its default bridge (so daemons side by
// side never share one): filter WHARF-<tag> (jumped to from FORWARD), nat WHARF-<tag> (published ports,
// from PREROUTING and OUTPUT for local destinations) and nat WHARF-POST-<tag> (masquerade, from
// POSTROUTING). The chains' whole content is a function of the daemon's state and is replaced atomically
// with `iptables-restore --noflush`, which flushes only the chains it names: nobody else's chain (dockerd's
// DOCKER, DOCKER-USER, ...) is ever flushed or rewritten. The jumps are appended once and left in place.
import { run } from '../sys/index.js';

export interface BridgeRule { bridge: string; subnet: string; internal: boolean }
export interface PortRule { proto: 'tcp' | 'udp'; hostIp: string; hostPort: number; ip: string; port: number; bridge: string }

export function chainNames(tag: string): { filter: string; nat: string; post: string } {
  return { filter: `WHARF-${tag}`, nat: `WHARF-${tag}`, post: `WHARF-POST-${tag}` };
}

/** The iptables-restore input that replaces the daemon's chains. */
export function renderRules(tag: string, bridges: BridgeRule[], ports: PortRule[]): string {
  const c = chainNames(tag);
  const f: string[] = [];
  // Isolation: nothing crosses from one of our bridges to another.
  for (const a of bridges) for (const b of bridges) if (a.bridge !== b.bridge) f.push(`-A ${c.filter} -i ${a.bridge} -o ${b.bridge} -j DROP`);
  for (const b of bridges) {
    if (b.internal) {
      f.push(`-A ${c.filter} -i ${b.bridge} ! -o ${b.bridge} -j DROP`, `-A ${c.filter} -o ${b.bridge} ! -i ${b.bridge} -j DROP`);
    } else {
      f.push(`-A ${c.filter} -o ${b.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    }
  }
  for (const p of ports) f.push(`-A ${c.filter} -d ${p.ip}/32 ! -i ${p.bridge} -o ${p.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.port} -j ACCEPT`);
  for (const b of bridges) {
    f.push(`-A ${c.filter} -i ${b.bridge} -o ${b.bridge} -j ACCEPT`);
    if (!b.internal) f.push(`-A ${c.filter} -i ${b.bridge} ! -o ${b.bridge} -j ACCEPT`);
  }
  for (const b of bridges) f.push(`-A ${c.filter} -o ${b.bridge} -j DROP`);

  const n: string[] = [];
  for (const p of ports) {
    const dst = p.hostIp && p.hostIp !== '0.0.0.0' ? `-d ${p.hostIp}/32 ` : '';
    n.push(`-A ${c.nat} ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${p.ip}:${p.port}`);
  }
  const post: string[] = [];
  for (const b of bridges) {
    if (!b.internal) post.push(`-A ${c.post} -s ${b.subnet} ! -o ${b.bridge} -j MASQUERADE`);
    // 127.0.0.1 and the host's own addresses DNATed into the bridge (route_localnet is on for it).
    post.push(`-A ${c.post} -o ${b.bridge} -m addrtype --src-type LOCAL -j MASQUERADE`);
  }
  // Hairpin: a container reaching its own published port through the host.
  for (const p of ports) post.push(`-A ${c.post} -s ${p.ip}/32 -d ${p.ip}/32 -p ${p.proto} -m ${p.proto} --dport ${p.port} -j MASQUERADE`);
  return [
    '*filter', `:${c.filter} - [0:0]`, ...f, 'COMMIT',
    '*nat', `:${c.nat} - [0:0]`, `:${c.post} - [0:0]`, ...n, ...post, 'COMMIT', '',
  ].join('\n');
}

export async function applyRules(text: string): Promise<void> {
  await run(['iptables-restore', '-w', '10', '--noflush'], { input: text, timeout: 30_000 });
}

/** The jumps into our chains from the built-in ones (checked first, so a restart never doubles them). */
export function jumps(tag: string): string[][] {
  const c = chainNames(tag);
  return [
    ['-t', 'filter', 'FORWARD', '-j', c.filter],
    ['-t', 'nat', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.nat],
    ['-t', 'nat', 'OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.nat],
    ['-t', 'nat', 'POSTROUTING', '-j', c.post],
  ];
}

export async function ensureJumps(tag: string): Promise<void> {
  for (const j of jumps(tag)) {
    const [t, table, chain, ...rule] = j;
    const check = await run(['iptables', '-w', '10', t!, table!, '-C', chain!, ...rule], { allowFailure: true });
    if (check.exitCode !== 0) await run(['iptables', '-w', '10', t!, table!, '-A', chain!, ...rule]);
  }
}
