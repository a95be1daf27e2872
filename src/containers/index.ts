// containers/: records, names and IDs, the lifecycle state machine, and the API views of a container.
export { ContainerManager, normalizeSignal, signalNumber, exitCodeFor, nowNano } from './manager.js';
export type { ManagerDeps } from './manager.js';
export { ContainerStore } from './container-store.js';
export { listContainers } from './list.js';
export type { Filters, ListOptions } from './list.js';
export { inspectView, summaryView, statusText, commandLine } from './views.js';
export { generateId, generateName, shortId, validateName } from './names.js';
export { mergeConfig, normalizeHostConfig, defaultHostConfig, commandOf } from './create-config.js';
export { hostsFile, resolvConf } from './etc-files.js';
export type { ContainerRecord, ContainerConfig, HostConfig, ContainerState, Status } from './types.js';
export type { ImagePort, ImageInfo, SnapshotPort, RuntimePort, ExitStatus, LogEntry, LogOptions, AttachHandle } from './ports.js';
export type { AttachOptions, Attachment } from './attach.js';
export { top, parseTop } from './top.js';
export { ExecManager } from './exec.js';
export { volumeUsers, mountsView } from './mounts.js';
export { statPath, getArchive, putArchive } from './archive.js';
export type { PathStat, PutOptions } from './archive.js';
export type { ExecRunner, ExecProcessPort } from './ports.js';
