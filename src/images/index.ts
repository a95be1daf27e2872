// images/: content-addressed blobs, image records, references (Docker's normalization), import/commit,
// save/load in Docker's and OCI's layouts, and the Engine API's image JSON.
export { ImageStore, DOCKER_VERSION } from './image-store.js';
export type { ImportOptions, CommitOptions, PruneOptions } from './image-store.js';
export type { ImageStoreOptions } from './image-records.js';
export { ContentStore } from './content-store.js';
export type { StagedIngest } from './verified-ingest.js';
export { stageVerifiedAt } from './verified-ingest.js';
export { parseReference, normalize, familiarName, familiarString, withDefaultTag, INVALID_FORMAT } from './reference.js';
export type { Reference } from './reference.js';
export { applyChanges } from './changes.js';
export type { ContainerUse, DeleteItem, EventFn, ImageConfig, ImageMeta, ImageRecord, RemoveOptions } from './types.js';
export { filterImages, globMatch, matchingRefs } from './list.js';
export { chainIds, compressGzip, decompress } from '../snapshots/index.js';
export { goContainerConfig, goJson, nowRfc3339Nano, sortedKeys } from './go-json.js';
