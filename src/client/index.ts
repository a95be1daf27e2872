// Engine API client used by cli/ and compose/: a Client per host, stream decoders and hijacked attach.
export { Client, filtersJson, type Filters } from './client.js';
export { Transport, ConnectError, parseHost, resolveHost, isDaemonError, errorForStatus, readAll, DEFAULT_HOST, API_PREFIX } from './transport.js';
export { Demuxer, muxFrame, copyContainerStream, jsonLines, type JsonMessage, type StreamKind, type StreamSinks } from './streams.js';
export type { HijackedConn } from './hijack.js';
export type * from './types.js';
export { buildContextTar, type ContextTar, type ContextTarOptions } from './build-context.js';
