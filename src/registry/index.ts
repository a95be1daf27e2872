// registry/: the distribution client (OCI Distribution / Docker Registry v2): pull, push, login, search and
// distribution inspect, with Docker's reference resolution, auth flows, mirrors, insecure registries and
// certs.d. See types.ts for the lifecycle of a pull and a push.
export { RegistryService } from './service.js';
export { parsePlatform, hostPlatform, formatPlatform } from './platform.js';
export { DEFAULT_SETTINGS } from './types.js';
export type { AuthConfig, RegistrySettings, Platform } from './types.js';
