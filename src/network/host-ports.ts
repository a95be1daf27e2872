// The range random host ports come from: the kernel's ephemeral range, as dockerd's port allocator reads it
// (/proc/sys/net/ipv4/ip_local_port_range), or its fallback 49153-65535.
import { readFileSync } from 'node:fs';

export function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && lo <= hi) return [lo, hi];
  } catch { /* fall through */ }
  return [49153, 65535];
}
