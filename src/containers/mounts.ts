// A container's mounts: registered at create from --volumes-from, -v binds, --mount and the image's VOLUMEs
// (dockerd's registerMountPoints, in that precedence), set up at each start (volume mount references,
// copy-up of image content into empty volumes, bind sources created for -v), released when the process
// ends, and anonymous volumes removed with `rm -v` / `run --rm`.
import { mkdir } from 'node:fs/promises';
import { InvalidParameter, NotFound } from '../errors.js';
import type { OciMount } from '../runtime/index.js';
import { warn } from '../sys/index.js';
import { copyUp, parseApiMount, parseBind, tmpfsOptions, type ApiMount, type MountPoint, type VolumeStore } from '../volumes/index.js';
import type { ContainerRecord } from './types.js';

export type { MountPoint };

/** Looks a container up by name or ID (for --volumes-from). */
export type ContainerLookup = (ref: string) => ContainerRecord;

/** Parses every mount source of a create request; throws dockerd's 400s before anything is created. */
export function planMounts(rec: Pick<ContainerRecord, 'HostConfig' | 'Config'>, lookup: ContainerLookup): MountPoint[] {
  const byDest = new Map<string, MountPoint>();
  const hc = rec.HostConfig;
  for (const spec of (hc.VolumesFrom as string[] | null) ?? []) {
    const [ref, mode = ''] = spec.split(':') as [string, string?];
    if (mode && mode !== 'ro' && mode !== 'rw') throw new InvalidParameter(`invalid mode for volumes-from: ${mode}`);
    let from: ContainerRecord;
    try { from = lookup(ref); } catch { throw new NotFound(`No such container: ${ref}`); }
    for (const mp of from.MountPoints ?? []) {
      byDest.set(mp.Destination, { ...mp, RW: mode ? mode === 'rw' : mp.RW, Mode: mode || mp.Mode, Named: true, CopyData: false });
    }
  }
  const userSet = new Set<string>();
  const add = (mp: MountPoint) => {
    if (userSet.has(mp.Destination)) throw new InvalidParameter(`Duplicate mount point: ${mp.Destination}`);
    userSet.add(mp.Destination);
    byDest.set(mp.Destination, mp);
  };
  for (const b of hc.Binds ?? []) add(parseBind(b));
  for (const m of (hc.Mounts as ApiMount[] | null | undefined) ?? []) add(parseApiMount(m));
  for (const dest of Object.keys(rec.Config.Volumes ?? {})) {
    const mp = parseBind(dest);
    if (!byDest.has(mp.Destination)) byDest.set(mp.Destination, mp);
  }
  return [...byDest.values()];
}

/** Creates (or finds) the volumes the mount points name, and fills in their names and sources. */
export async function createVolumes(mps: MountPoint[], volumes: VolumeStore): Promise<void> {
  for (const mp of mps) {
    if (mp.Type !== 'volume') continue;
    if (mp.Driver !== 'local') throw new NotFound(`create ${mp.Name}: error looking up volume plugin ${mp.Driver}: plugin "${mp.Driver}" not found`);
    const v = mp.Name && volumes.has(mp.Name) ? volumes.get(mp.Name)
      : await volumes.create({ name: mp.Name || undefined, options: mp.VolumeOptions ?? null, labels: mp.VolumeLabels ?? null });
    mp.Name = v.Name;
    mp.Source = volumes.dataPath(v.Name);
  }
}

/** Volume mount references, copy-up and bind sources; returns the OCI mounts, parents before children. */
export async function setupMounts(rec: ContainerRecord, rootfs: string, volumes: VolumeStore | undefined): Promise<OciMount[]> {
  const out: OciMount[] = [];
  for (const mp of rec.MountPoints ?? []) {
    if (mp.Type === 'volume') {
      if (!volumes) continue;
      const path = await volumes.mount(mp.Name, rec.Id);
      if (mp.CopyData) await copyUp(rootfs, mp.Destination, path);
      out.push({ destination: mp.Destination, type: 'bind', source: path, options: ['rbind', 'rprivate', ...(mp.RW ? [] : ['ro'])] });
    } else if (mp.Type === 'bind') {
      // -v creates a missing host directory (--mount refused it at create).
      await mkdir(mp.Source, { recursive: true, mode: 0o755 });
      out.push({ destination: mp.Destination, type: 'bind', source: mp.Source, options: ['rbind', mp.Propagation || 'rprivate', ...(mp.RW ? [] : ['ro'])] });
    } else {
      out.push({ destination: mp.Destination, type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(mp.TmpfsData ?? '', mp.RW) });
    }
  }
  for (const [dest, data] of Object.entries((rec.HostConfig.Tmpfs as Record<string, string> | undefined) ?? {})) {
    out.push({ destination: dest, type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(data, true) });
  }
  const depth = (p: string) => p.split('/').filter(Boolean).length;
  return out.sort((a, b) => depth(a.destination) - depth(b.destination));
}

/** Drops this container's volume mount references (the process has ended). */
export async function releaseMounts(rec: ContainerRecord, volumes: VolumeStore | undefined): Promise<void> {
  if (!volumes) return;
  for (const mp of rec.MountPoints ?? []) {
    if (mp.Type === 'volume') await volumes.unmount(mp.Name, rec.Id).catch((err) => warn('containers', `unmount volume ${mp.Name}: ${err.message}`));
  }
}

/** `rm -v`: anonymous volumes go, named ones stay (dockerd ignores in-use errors here too). */
export async function removeAnonymousVolumes(rec: ContainerRecord, volumes: VolumeStore | undefined): Promise<void> {
  if (!volumes) return;
  for (const mp of rec.MountPoints ?? []) {
    if (mp.Type !== 'volume' || mp.Named) continue;
    await volumes.remove(mp.Name).catch((err) => warn('containers', `remove volume ${mp.Name}: ${err.message}`));
  }
}

/** inspect's Mounts (dockerd's types.MountPoint: Name and Driver only for volumes). */
export function mountsView(rec: ContainerRecord): Array<Record<string, unknown>> {
  return (rec.MountPoints ?? []).map((mp) => (mp.Type === 'volume'
    ? { Type: mp.Type, Name: mp.Name, Source: mp.Source, Destination: mp.Destination, Driver: mp.Driver, Mode: mp.Mode, RW: mp.RW, Propagation: mp.Propagation }
    : { Type: mp.Type, Source: mp.Source, Destination: mp.Destination, Mode: mp.Mode, RW: mp.RW, Propagation: mp.Propagation }));
}

/** IDs of the containers whose records use volume `name` (VolumeStore's in-use check). */
export function volumeUsers(all: ContainerRecord[], name: string): string[] {
  return all.filter((r) => r.MountPoints?.some((mp) => mp.Type === 'volume' && mp.Name === name)).map((r) => r.Id);
}
