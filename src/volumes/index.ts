// volumes/: the local volume driver (named and anonymous volumes under <data-root>/volumes) and, for
// containers/, the parsing of -v/--mount/--tmpfs specs into mount points.
export { VolumeStore, validateVolumeName, dirSize } from './volume-store.js';
export type { VolumeStoreOptions } from './volume-store.js';
export type { VolumeRecord, CreateVolumeOptions, VolumeFilters } from './types.js';
export { parseBind, parseApiMount, validMountMode, tmpfsOptions } from './mount-spec.js';
export type { MountPoint, ApiMount } from './mount-spec.js';
export { resolveInScope } from './scope.js';
export { copyUp } from './copy-up.js';
