// The daemon's registry service: settings, endpoint resolution and the layer metadata shared by pull, push
// and login.
import type { ImageStore, Reference } from '../images/index.js';
import { DistributionMetadata } from './dist-metadata.js';
import { distributionInspect, login, search, type SearchResult } from './login.js';
import { RegistryHosts } from './hosts.js';
import type { Message } from './progress.js';
import { pullImage, type PullRequest, type RegistryContext } from './pull.js';
import { pushImage, type PushRequest } from './push.js';
import { DEFAULT_SETTINGS, type AuthConfig, type Descriptor, type Platform, type RegistrySettings } from './types.js';

export class RegistryService {
  private constructor(private readonly ctx: RegistryContext) {}

  static async open(images: ImageStore, settings: Partial<RegistrySettings> = {}): Promise<RegistryService> {
    const s = { ...DEFAULT_SETTINGS, ...settings };
    return new RegistryService({ images, settings: s, hosts: new RegistryHosts(s), meta: await DistributionMetadata.open(images.dataRoot) });
  }

  get settings(): RegistrySettings { return this.ctx.settings; }

  pull(req: PullRequest): AsyncIterable<Message> { return pullImage(this.ctx, req); }

  push(req: PushRequest): AsyncIterable<Message> { return pushImage(this.ctx, req); }

  login(auth: AuthConfig, signal?: AbortSignal): Promise<{ Status: string; IdentityToken: string }> { return login(this.ctx.hosts, auth, signal); }

  /** `ref` is a tag or digest of the repository `name` (fully qualified). */
  inspect(name: string, ref: string, auth?: AuthConfig, signal?: AbortSignal): Promise<{ Descriptor: Descriptor; Platforms: Platform[] }> {
    return distributionInspect(this.ctx.hosts, name, ref, auth, signal);
  }

  search(term: string, limit: number, auth?: AuthConfig, signal?: AbortSignal): Promise<SearchResult[]> {
    return search(this.ctx.hosts, term, limit, auth, signal);
  }

  /** For /info: the insecure registry CIDRs and mirrors as dockerd reports them. */
  describe(): { insecure: string[]; mirrors: string[] } {
    return { insecure: ['127.0.0.0/8', ...this.ctx.settings.insecureRegistries], mirrors: this.ctx.settings.mirrors };
  }
}

export type { Reference };
