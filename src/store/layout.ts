// The on-disk layout under the data root (default /var/lib/wharf, mode 0711). Every subsystem finds its
// paths here; nothing else builds paths into another subsystem's area.
//
//   <root>/
//     image/                                   images/ (ImageStore)
//       blobs/sha256/<hex>                     content-addressed blobs, verified by digest on write:
//                                                image config JSON (hex = image ID, bytes kept verbatim) and
//                                                uncompressed layer tars (hex = diffID; `save` streams them back)
//       imagedb/<hex>.json                     per-image metadata {lastTagTime, parent}; an image exists iff this
//                                                file and its config blob both exist (written after the blobs)
//       repositories.json                      the reference store, Docker's shape:
//                                                {"Repositories": {"busybox": {"busybox:latest": "sha256:<hex>"}}}
//       distribution.json                      registry/: diffID -> [{digest, repository}] seen on pull/push
//       tmp/                                   in-flight imports/loads/pulls; emptied at startup
//     snapshots/                               snapshots/ (Snapshotter, overlayfs)
//       layers/<chainIdHex>/diff/              one unpacked image layer (a read-only overlay lowerdir)
//       layers/<chainIdHex>/layer.json         {chainId, diffId, parent, size}; written before the rename that
//                                                publishes the layer, so a visible layer is always complete
//       active/<key>/{upper,work}/             a container's writable snapshot; snapshot.json {key, parent}
//       tmp/                                   layers being unpacked; emptied at startup
//     containers/<id>/                         containers/ (config.v2.json, hostname, hosts, resolv.conf, logs)
//     runtime/                                 runtime/ (OCI bundles, monitor state, exit files)
//     volumes/                                 volumes/ (local driver: <name>/_data + metadata)
//     network/                                 network/ (networks, IPAM allocations)
//
// Temp files and dirs carry TEMP_MARK (store/atomic.ts) or live in a tmp/ dir, so a crash at any instant
// leaves nothing that a later startup mistakes for a complete object.
import { join } from 'node:path';

export const DEFAULT_DATA_ROOT = '/var/lib/wharf';

export const imageRoot = (root: string): string => join(root, 'image');
export const blobsDir = (root: string): string => join(root, 'image', 'blobs', 'sha256');
export const blobPath = (root: string, hex: string): string => join(blobsDir(root), hex);
export const imageDbDir = (root: string): string => join(root, 'image', 'imagedb');
export const imageMetaPath = (root: string, hex: string): string => join(imageDbDir(root), `${hex}.json`);
export const repositoriesPath = (root: string): string => join(root, 'image', 'repositories.json');
export const imageTmpDir = (root: string): string => join(root, 'image', 'tmp');

export const snapshotsRoot = (root: string): string => join(root, 'snapshots');
export const layersDir = (root: string): string => join(root, 'snapshots', 'layers');
export const layerDir = (root: string, chainHex: string): string => join(layersDir(root), chainHex);
export const activeDir = (root: string): string => join(root, 'snapshots', 'active');
export const activeSnapshotDir = (root: string, key: string): string => join(activeDir(root), key);
export const snapshotsTmpDir = (root: string): string => join(root, 'snapshots', 'tmp');

export const containersDir = (root: string): string => join(root, 'containers');
export const containerDir = (root: string, id: string): string => join(root, 'containers', id);
export const runtimeDir = (root: string): string => join(root, 'runtime');
export const volumesDir = (root: string): string => join(root, 'volumes');
export const networkDir = (root: string): string => join(root, 'network');
/** registry/: which compressed blob (digest, repository) each layer diffID was pulled from or pushed as. */
export const distributionPath = (root: string): string => join(root, 'image', 'distribution.json');
