// Snapshots, in containerd's model, on overlayfs.
//
// Lifecycle of a layer (committed, read-only):
//   applyLayer(parent, diffID, tar) -> unpacked into snapshots/tmp/<random>/diff, layer.json written, then
//   renamed to snapshots/layers/<chainIdHex> (the rename is the commit: a crash before it leaves only tmp/
//   leftovers, swept at open); or stageLayer(tar) (unpacked, not yet a layer) then commitStaged(parent,
//   diffID, staged) for imports that unpack several layers at once -> shared by every image and container above it -> pruneLayers() removes it
//   once no image keeps it and no active snapshot sits on it.
// Lifecycle of an active snapshot (a container's writable layer):
//   prepare(key, parentChainId) -> active/<key>/{upper,work} -> mount(key, target) / unmount(key) (any number
//   of times) -> usage/changes/diffTar read the upper dir -> remove(key).
// A layer is identified by its chainID (OCI image spec): chainID(L0) = diffID(L0), chainID(Ln) =
// sha256(chainID(Ln-1) + " " + diffID(Ln)); two images that share a base share its unpacked layers.

export interface LayerInfo {
  /** sha256:<hex> */
  chainId: string;
  /** sha256 of the uncompressed layer tar. */
  diffId: string;
  /** chainID of the layer below, undefined for a base layer. */
  parent: string | undefined;
  /** Bytes of the unpacked layer (Docker's Size: non-directory entries, hardlinks once). */
  size: number;
}

/** A layer unpacked into snapshots/tmp/<random>/diff by stageLayer, not visible until commitStaged. */
export interface StagedLayer {
  dir: string;
  size: number;
}

export interface SnapshotMounts {
  upperdir: string;
  workdir: string;
  /** Top-most first, as overlayfs' lowerdir= wants them; empty for an image without layers. */
  lowerdirs: string[];
}

/** One line of `docker diff` (Engine API FilesystemChange): Kind 0 modified, 1 added, 2 deleted. */
export interface Change {
  Path: string;
  Kind: 0 | 1 | 2;
}

export interface GraphDriverInfo {
  Name: string;
  Data: Record<string, string> | null;
}
