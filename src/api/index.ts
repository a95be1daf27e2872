// api/: the Engine API v1.41 HTTP server. The daemon passes a Backend (backend.ts) to createApiServer.
export { createApiServer, API_VERSION, MIN_API_VERSION } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export type * from './backend.js';
