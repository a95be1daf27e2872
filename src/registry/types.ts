// The distribution client's vocabulary: media types, descriptors, manifests and indexes (Docker schema 2
// and OCI), and the settings a daemon gives it.
//
// Lifecycle of a pull: resolve the reference to endpoints (mirrors first for docker.io) -> GET the manifest
// (an index/list picks one platform and is followed by digest) -> GET the config (its sha256 is the image
// ID; already present means "Image is up to date") -> for each layer: already unpacked ("Already exists"),
// or downloaded (parallel, spooled to image/tmp while being unpacked in order, compressed digest and diffID
// both verified before the layer is published) -> image record -> tag and digest references. A failure
// leaves only complete, published layers (so a retried pull skips them) and never an image or reference.
//
// Lifecycle of a push: resolve -> for each layer: HEAD by a known compressed digest (skip), cross-repo
// mount (201), or upload (POST, then one streamed PATCH and PUT ?digest=, or a monolithic PUT when the
// digest is known) -> config blob -> manifest PUT with its media type -> "<tag>: digest: ... size: N".

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociNondistGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
} as const;

export const MANIFEST_ACCEPT = [MT.ociIndex, MT.dockerList, MT.dockerManifest, MT.ociManifest];

export const LAYER_TYPES = new Set<string>([MT.dockerLayer, MT.ociLayer, MT.ociLayerGzip, MT.ociLayerZstd, MT.dockerForeignLayer, MT.ociNondistGzip]);
export const CONFIG_TYPES = new Set<string>([MT.dockerConfig, MT.ociConfig]);

export interface Platform { os: string; architecture: string; variant?: string; 'os.version'?: string }

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
}

export interface ImageManifest { schemaVersion: number; mediaType?: string; config: Descriptor; layers: Descriptor[] }
export interface ImageIndex { schemaVersion: number; mediaType?: string; manifests: Descriptor[] }

/** Credentials for one registry, as X-Registry-Auth or ~/.docker/config.json carries them. */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64("user:password") */
  auth?: string;
  /** An OAuth refresh token (what /auth returns as IdentityToken). */
  identitytoken?: string;
  /** A bearer token to send as is. */
  registrytoken?: string;
  serveraddress?: string;
}

/** What a daemon configures (daemon.json's insecure-registries, registry-mirrors; the certs.d dir). */
export interface RegistrySettings {
  /** host[:port] or CIDR; 127.0.0.0/8 is always insecure, as in Docker. */
  insecureRegistries: string[];
  /** Mirrors of Docker Hub, e.g. http://127.0.0.1:5000 */
  mirrors: string[];
  /** <certsDir>/<host:port>/ca.crt (and client.cert/client.key) like /etc/docker/certs.d. */
  certsDir: string;
  /** Idle timeout on registry connections, milliseconds. */
  timeoutMs: number;
  /** Base of the exponential back-off between retries, milliseconds. */
  retryBaseMs: number;
  /** Attempts for a failing request (connection errors, 429, 5xx). */
  attempts: number;
  /** Parallel layer downloads/uploads (dockerd's max-concurrent-downloads/uploads: 3 and 5). */
  maxDownloads: number;
  maxUploads: number;
}

export const DEFAULT_SETTINGS: RegistrySettings = {
  insecureRegistries: [],
  mirrors: [],
  certsDir: '/etc/wharf/certs.d',
  timeoutMs: 30_000,
  retryBaseMs: 1000,
  attempts: 5,
  maxDownloads: 3,
  maxUploads: 5,
};
