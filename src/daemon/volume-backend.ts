// The volume half of the API Backend: API bodies in and out of the VolumeStore (volumes/).
import type { JsonObject, VolumeBackend } from '../api/index.js';
import { InvalidParameter } from '../errors.js';
import type { VolumeRecord, VolumeStore } from '../volumes/index.js';

/** dockerd's volume JSON (keys in its order). */
export function volumeView(v: VolumeRecord, mountpoint: string): JsonObject {
  return { CreatedAt: v.CreatedAt, Driver: v.Driver, Labels: v.Labels, Mountpoint: mountpoint, Name: v.Name, Options: v.Options, Scope: 'local' };
}

function stringMap(body: JsonObject, key: string): Record<string, string> | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidParameter(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go struct field VolumeCreateBody.${key} of type map[string]string`);
  return v as Record<string, string>;
}

export function volumeBackend(volumes: VolumeStore): VolumeBackend {
  const view = (v: VolumeRecord) => volumeView(v, volumes.dataPath(v.Name));
  return {
    async listVolumes(filters) { return { Volumes: volumes.filter(filters).map(view), Warnings: null }; },
    async createVolume(body) {
      const rec = await volumes.create({
        name: typeof body.Name === 'string' ? body.Name : undefined,
        driver: typeof body.Driver === 'string' ? body.Driver : undefined,
        labels: stringMap(body, 'Labels'),
        options: stringMap(body, 'DriverOpts'),
      });
      return view(rec);
    },
    async inspectVolume(name) { return view(volumes.get(name)); },
    async removeVolume(name, opts) { await volumes.remove(name, { force: opts.force }); },
    async pruneVolumes(filters) { return await volumes.prune(filters) as unknown as JsonObject; },
  };
}
