// Volumes: named directories that outlive containers.
//
// Lifecycle of a volume: create (a directory <data-root>/volumes/<name>/_data and its metadata, written
// atomically; anonymous volumes get a random 64-hex name) -> mount (each container start that uses it takes a
// mount reference; a volume with driver options (tmpfs, bind device) is mounted on _data at the first
// reference and unmounted at the last) -> unmount -> remove (refused while a container, running or not,
// refers to it). Which containers refer to a volume is not stored here: the container records are the truth
// and the daemon passes a lookup (VolumeStoreOptions.usedBy), as dockerd's reference counts are rebuilt from
// its containers at start-up.

/** What is persisted per volume (<name>/volume.json), in Docker's field names. */
export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  /** RFC 3339, second precision, UTC ("2026-11-23T10:30:00Z"), like dockerd. */
  CreatedAt: string;
  /** null when the create request had none (the API's shape; the CLI always sends {}). */
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

export interface CreateVolumeOptions {
  name?: string;
  driver?: string;
  labels?: Record<string, string> | null;
  options?: Record<string, string> | null;
}

export type VolumeFilters = Record<string, string[]>;
