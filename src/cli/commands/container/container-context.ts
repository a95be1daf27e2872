// formatter.ContainerContext: the fields `ps --format` templates see, computed as docker 20.10 does.
import type { ContainerSummary, Port } from '../../../client/index.js';
import { GO_MARSHALER, GO_TYPE, humanDuration, humanSizeWithPrecision } from '../../format/index.js';
import { goQuote } from '../../../units/index.js';
import { ellipsis, goTimeString, joinHostPort, truncateId } from '../../go-text.js';
import { familiarName, parseRef } from '../../image-ref.js';

export const CONTAINER_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS',
};

export const DEFAULT_PS_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

function comparePorts(a: Port, b: Port): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  if ((a.IP ?? '') !== (b.IP ?? '')) return (a.IP ?? '') < (b.IP ?? '') ? -1 : 1;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

function formGroup(key: string, first: number, last: number): string {
  const parts = key.split('/');
  let type = parts[0]!;
  let ip = '';
  if (parts.length > 1) { ip = parts[0]!; type = parts[1]!; }
  let group = String(first);
  if (first !== last) group = `${group}-${last}`;
  if (ip) group = `${ip}:${group}->${group}`;
  return `${group}/${type}`;
}

/** formatter.DisplayablePorts: consecutive ports grouped into ranges, host mappings last. */
export function displayablePorts(input: Port[]): string {
  const ports = [...input].sort(comparePorts);
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const mappings: string[] = [];
  for (const p of ports) {
    const current = p.PrivatePort;
    let key = p.Type;
    if (p.IP) {
      if (p.PublicPort !== current) {
        mappings.push(`${joinHostPort(p.IP, p.PublicPort ?? 0)}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const g = groups.get(key);
    if (!g) { groups.set(key, { first: current, last: current }); continue; }
    if (current === g.last + 1) { g.last = current; continue; }
    result.push(formGroup(key, g.first, g.last));
    groups.set(key, { first: current, last: current });
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...mappings].join(', ');
}

export class ContainerContext {
  readonly [GO_MARSHALER] = true;
  /** Templates name docker's type in their errors ("... in type *formatter.ContainerContext"). */
  readonly [GO_TYPE] = '*formatter.ContainerContext';

  constructor(private readonly c: ContainerSummary, private readonly trunc: boolean, private readonly now: number) {}

  get ID(): string { return this.trunc ? truncateId(this.c.Id) : this.c.Id; }
  get Names(): string {
    let names = (this.c.Names ?? []).map((n) => n.replace(/^\//, ''));
    if (this.trunc) {
      const plain = names.find((n) => n.split('/').length === 1);
      if (plain !== undefined) names = [plain];
    }
    return names.join(',');
  }
  get Image(): string {
    const image = this.c.Image;
    if (!image) return '<no image>';
    if (!this.trunc) return image;
    const t = truncateId(this.c.ImageID ?? '');
    if (t === truncateId(image)) return t;
    try {
      const ref = parseRef(image);
      return `${familiarName(ref.name)}${ref.tag ? `:${ref.tag}` : ''}`;
    } catch {
      return image;
    }
  }
  get Command(): string { return goQuote(this.trunc ? ellipsis(this.c.Command, 20) : this.c.Command); }
  get CreatedAt(): string { return goTimeString(this.c.Created); }
  get RunningFor(): string { return `${humanDuration(this.now - this.c.Created * 1000)} ago`; }
  get Ports(): string { return displayablePorts(this.c.Ports ?? []); }
  get State(): string { return this.c.State; }
  get Status(): string { return this.c.Status; }
  get Size(): string {
    const rw = humanSizeWithPrecision(this.c.SizeRw ?? 0, 3);
    const root = this.c.SizeRootFs ?? 0;
    return root > 0 ? `${rw} (virtual ${humanSizeWithPrecision(root, 3)})` : rw;
  }
  get Labels(): string {
    const l = this.c.Labels;
    if (!l) return '';
    return Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');
  }
  Label(name: string): string { return this.c.Labels?.[name] ?? ''; }
  get Mounts(): string {
    return (this.c.Mounts ?? []).map((m) => {
      const name = m.Name ? m.Name : m.Source ?? '';
      return this.trunc ? ellipsis(name, 15) : name;
    }).join(',');
  }
  get LocalVolumes(): string { return String((this.c.Mounts ?? []).filter((m) => (m as { Driver?: string }).Driver === 'local').length); }
  /** formatter's MarshalJSON: every field method, keys sorted, for {{json .}}. */
  toJSON(): Record<string, string> {
    const keys = ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Ports', 'RunningFor', 'Size', 'State', 'Status'] as const;
    return Object.fromEntries(keys.map((k) => [k, this[k]]));
  }
  get Networks(): string { return Object.keys(this.c.NetworkSettings?.Networks ?? {}).sort().join(','); }
}
