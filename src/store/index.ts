// store/: metadata persistence shared by every subsystem: atomic writes, JSON records, per-key locks and
// the on-disk layout (layout.ts holds the one description of it).
export { TEMP_MARK, tempPathFor, fsyncDir, writeFileAtomic, replaceFile, writeJsonAtomic, readJson, readJsonOr, sweepTemp, syncLayerData, writevAll, writevAllSync } from './atomic.js';
export { KeyedMutex } from './keyed-mutex.js';
export * as layout from './layout.js';
export { DEFAULT_DATA_ROOT } from './layout.js';
