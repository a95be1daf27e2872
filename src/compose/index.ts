// docker compose's engine: loading projects (load.ts), turning services into API bodies (convert.ts) and
// driving the daemon (project-ops.ts) with compose's progress output. The CLI's `compose` commands use it.
export { loadProject, dependencyOrder, parsePort, parseMount, ComposeError, type LoadOptions } from './load.js';
export { interpolate, parseDotEnv, InterpolationError } from './interpolate.js';
export { splitWords } from './shell-words.js';
export { LABEL, COMPOSE_VERSION, configHash, containerName, createRequest } from './convert.js';
export { ProjectOps, name as containerDisplayName, logPrefix, type Builder, type UpOptions, type DownOptions } from './project-ops.js';
export { plainProgress, ttyProgress, type Progress, type ProgressEvent } from './progress.js';
export type * from './model.js';
export { createOneOff, oneOffService, SLUG_LABEL, type RunOneOffOptions, type OneOffContainer } from './one-off.js';
