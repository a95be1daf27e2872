// Image records.
//
// Lifecycle: layers are ingested first (blob in the content store by diffID, then unpacked once by the
// snapshotter), then the config blob is written (its sha256 is the image ID), then imagedb/<hex>.json (the
// record exists from here on), then references. Deletion runs the other way: references, record, config
// blob, then layers and layer blobs no remaining image uses. A crash between steps leaves only unreferenced
// blobs/layers (harmless) or an image without tags (shown as <none>), never a reference to nothing.

export interface ImageMeta {
  /** RFC 3339; Docker's Metadata.LastTagTime ("0001-01-01T00:00:00Z" when never tagged here). */
  lastTagTime?: string;
  /** Local parent image ID (set by commit), Docker's ParentId. */
  parent?: string;
}

export interface ImageRecord {
  /** sha256:<hex> = sha256 of the config bytes. */
  id: string;
  /** The parsed config (the bytes stay verbatim in the content store). */
  config: ImageConfig;
  diffIds: string[];
  /** chainID of the top layer; undefined for an image without layers. */
  chainId: string | undefined;
  /** Sum of the layer sizes. */
  size: number;
  meta: ImageMeta;
}

/** Docker's image config (image.Image), the fields wharf reads. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  author?: string;
  comment?: string;
  created?: string;
  container?: string;
  docker_version?: string;
  config?: Record<string, unknown> | null;
  container_config?: Record<string, unknown> | null;
  history?: Array<{ created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }>;
  rootfs?: { type: string; diff_ids?: string[] };
  [key: string]: unknown;
}

export type EventFn = (action: string, id: string, attributes: Record<string, string>) => void;

/** Who uses an image: Docker distinguishes running containers (hard conflict) from stopped ones (soft). */
export interface ContainerUse { id: string; running: boolean }

export interface RemoveOptions {
  force?: boolean;
  noPrune?: boolean;
  /** Containers using the image (by image ID); a boolean `true` counts as one stopped container. */
  isUsed?: (imageId: string) => boolean | ContainerUse[];
}

export interface DeleteItem { Untagged?: string; Deleted?: string }
