// The two nat rules (per protocol) inside a container's namespace that make 127.0.0.11:53 reach the
// daemon's listener on the network's gateway: DNAT the destination, and SNAT the loopback source to the
// container's own address (a 127/8 source cannot leave an interface, and it names the asker). route_localnet
// lets the kernel route the loopback-sourced packet out of the interface before POSTROUTING rewrites it.
// Applied once per container start on a user-defined network, in a namespace nobody else writes rules into.
import { run } from '../../sys/index.js';
import { EMBEDDED_DNS_IP } from './resolv-conf.js';

export function sandboxRules(gateway: string, ip: string): string {
  const out = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]'];
  for (const p of ['udp', 'tcp']) out.push(`-A OUTPUT -d ${EMBEDDED_DNS_IP}/32 -p ${p} -m ${p} --dport 53 -j DNAT --to-destination ${gateway}:53`);
  for (const p of ['udp', 'tcp']) out.push(`-A POSTROUTING -s 127.0.0.0/8 -d ${gateway}/32 -p ${p} -m ${p} --dport 53 -j SNAT --to-source ${ip}`);
  out.push('COMMIT', '');
  return out.join('\n');
}

/** argv for one process that sets route_localnet and loads the rules inside the namespace. */
export function sandboxRulesArgs(netns: string): string[] {
  // A constant script (no caller data in it): the sysctl and the restore in one short process.
  return ['ip', 'netns', 'exec', netns, 'sh', '-c', 'echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet && exec iptables-restore -w 10'];
}

export async function applySandboxRules(netns: string, gateway: string, ip: string): Promise<void> {
  await run(sandboxRulesArgs(netns), { input: sandboxRules(gateway, ip), timeout: 30_000 });
}
