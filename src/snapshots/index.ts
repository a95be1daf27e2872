// snapshots/: the overlayfs snapshotter (layers unpacked once per chainID, container snapshots over them)
// and the one tar unpacker. See types.ts for the lifecycle.
export { Snapshotter, discardStagedDir, stageLayerDir } from './snapshotter.js';
export { chainId, chainIds } from './digest.js';
export { compressGzip, decompress, detectCompression } from './decompress.js';
export type { Compression } from './decompress.js';
export { unpackTar } from './unpack.js';
export type { Change, GraphDriverInfo, LayerInfo, SnapshotMounts, StagedLayer } from './types.js';
