// What `docker compose` does to a project through the Engine API: converge (up), tear down (down), and the
// per-container verbs (start, stop, restart, kill, pause, unpause, rm), reporting progress as compose does.
import type { Client, ContainerSummary } from '../client/index.js';
import { isNotFound } from '../errors.js';
import { LABEL, configHash, containerName, createRequest, endpoint, networkCreateBody, serviceNetworks, volumeCreateBody } from './convert.js';
import { ComposeError, dependencyOrder } from './load.js';
import type { Project, ServiceConfig } from './model.js';
import type { Progress } from './progress.js';

export interface Builder {
  /** Builds a service's image (compose build); resolves with nothing once tagged as `service.image`. */
  build(service: ServiceConfig): Promise<void>;
  /** Pulls a service's image with compose's progress. */
  pull(service: ServiceConfig): Promise<void>;
}

export interface UpOptions {
  services: string[];
  build: boolean;
  noBuild: boolean;
  forceRecreate: boolean;
  noRecreate: boolean;
  noStart: boolean;
  removeOrphans: boolean;
  timeout?: number;
  wait?: boolean;
  /** --pull: always, missing, never, build; overrides each service's pull_policy. */
  pull?: string;
}

export interface DownOptions { volumes: boolean; removeOrphans: boolean; rmi?: 'local' | 'all'; timeout?: number; services?: string[] }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ProjectOps {
  constructor(readonly client: Client, readonly project: Project, readonly progress: Progress, readonly warn: (msg: string) => void) {}

  /** The project's containers (one-off `run` containers excluded unless asked), sorted by name. */
  async containers(opts: { all?: boolean; services?: string[]; oneoff?: boolean } = {}): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = { label: [`${LABEL.project}=${this.project.name}`] };
    if (!opts.oneoff) filters.label!.push(`${LABEL.oneoff}=False`);
    const list = await this.client.containerList({ all: opts.all !== false, filters });
    return list
      .filter((c) => !opts.services?.length || opts.services.includes(c.Labels?.[LABEL.service] ?? ''))
      .sort((a, b) => name(a).localeCompare(name(b)));
  }

  /** The services a command names, with their dependencies, in dependency order (all when none named). */
  selectedServices(services: string[]): ServiceConfig[] { return this.selected(services); }

  private selected(services: string[]): ServiceConfig[] {
    for (const s of services) {
      if (!this.project.services[s]) {
        if (this.project.disabled[s]) { this.project.services[s] = this.project.disabled[s]!; continue; }
        throw new ComposeError(`no such service: ${s}`);
      }
    }
    const order = dependencyOrder(this.project.services);
    if (!services.length) return order;
    // Named services bring their dependencies along.
    const want = new Set<string>();
    const add = (n: string): void => {
      if (want.has(n)) return;
      want.add(n);
      for (const d of Object.keys(this.project.services[n]?.depends_on ?? {})) add(d);
    };
    services.forEach(add);
    return order.filter((s) => want.has(s.name));
  }

  // ------------------------------------------------------------------------------------------ resources

  /** Creates the networks the services use (external ones must exist). */
  async ensureNetworks(services: ServiceConfig[]): Promise<void> {
    const used = new Set(services.flatMap((s) => Object.keys(s.networks ?? {})));
    for (const [key, n] of Object.entries(this.project.networks)) {
      if (!used.has(key)) continue;
      const existing = await this.client.transport.json<{ Labels?: Record<string, string> }>({ path: `/networks/${encodeURIComponent(n.name)}` }).catch((err) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (n.external) {
        if (!existing) throw new ComposeError(`network ${n.name} declared as external, but could not be found`);
        continue;
      }
      if (existing) {
        if (existing.Labels?.[LABEL.project] !== this.project.name) {
          this.warn(`a network with name ${n.name} exists but was not created for project "${this.project.name}".\nSet \`external: true\` to use an existing network`);
        }
        continue;
      }
      this.progress.event({ kind: 'Network', name: n.name, status: 'Creating', done: false });
      await this.client.transport.json({ method: 'POST', path: '/networks/create', body: networkCreateBody(this.project, key, n) });
      this.progress.event({ kind: 'Network', name: n.name, status: 'Created', done: true });
    }
  }

  async ensureVolumes(services: ServiceConfig[]): Promise<void> {
    const used = new Set(services.flatMap((s) => s.volumes.filter((m) => m.type === 'volume' && m.source).map((m) => m.source!)));
    for (const [key, v] of Object.entries(this.project.volumes)) {
      if (!used.has(key)) continue;
      const existing = await this.client.transport.json<{ Labels?: Record<string, string> | null }>({ path: `/volumes/${encodeURIComponent(v.name)}` }).catch((err) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (v.external) {
        if (!existing) throw new ComposeError(`external volume "${v.name}" not found`);
        continue;
      }
      if (existing) {
        if (existing.Labels?.[LABEL.project] !== this.project.name) {
          this.warn(`volume "${v.name}" already exists but was not created by Docker Compose. Use \`external: true\` to use an existing volume`);
        }
        continue;
      }
      this.progress.event({ kind: 'Volume', name: v.name, status: 'Creating', done: false });
      await this.client.transport.json({ method: 'POST', path: '/volumes/create', body: volumeCreateBody(this.project, key, v) });
      this.progress.event({ kind: 'Volume', name: v.name, status: 'Created', done: true });
    }
  }

  /** The image ID a service runs, building or pulling it first when needed. */
  async ensureImage(s: ServiceConfig, builder: Builder, forceBuild: boolean, noBuild: boolean, pull?: string): Promise<string> {
    // compose's pull policy: the --pull flag, else the service's pull_policy ("missing" when neither is set).
    const policy = pull || s.pull_policy || 'missing';
    if (s.build && (forceBuild || policy === 'build') && !noBuild) await builder.build(s);
    else if (policy === 'always') await builder.pull(s);
    const inspect = async (): Promise<string | undefined> => {
      try { return (await this.client.imageInspect(s.image!)).Id as string; } catch (err) { if (isNotFound(err)) return undefined; throw err; }
    };
    let id = await inspect();
    if (id) return id;
    if (s.build && !noBuild) await builder.build(s);
    else await builder.pull(s);
    id = await inspect();
    if (!id) throw new ComposeError(`No such image: ${s.image}`);
    return id;
  }

  // ------------------------------------------------------------------------------------------ up

  async up(o: UpOptions, builder: Builder): Promise<ContainerSummary[]> {
    const services = this.selected(o.services);
    await this.orphans(o.removeOrphans);
    await this.ensureNetworks(services);
    await this.ensureVolumes(services);
    const images = new Map<string, string>();
    for (const s of services) images.set(s.name, await this.ensureImage(s, builder, o.build, o.noBuild, o.pull));
    const toStart: string[] = [];
    for (const s of services) {
      const existing = await this.containers({ services: [s.name] });
      const byNumber = new Map(existing.map((c) => [Number(c.Labels?.[LABEL.number] ?? 0), c]));
      for (let n = 1; n <= s.scale; n++) {
        const c = byNumber.get(n);
        byNumber.delete(n);
        const cname = containerName(this.project, s, n);
        if (c) {
          const stale = c.Labels?.[LABEL.configHash] !== configHash(s) || c.Labels?.[LABEL.image] !== images.get(s.name);
          if (o.noRecreate || (!o.forceRecreate && !stale)) {
            if (c.State === 'running') this.progress.event({ kind: 'Container', name: cname, status: 'Running', done: true });
            else toStart.push(c.Id);
            continue;
          }
          this.progress.event({ kind: 'Container', name: cname, status: 'Recreate', done: false });
          await this.client.containerStop(c.Id, o.timeout).catch(() => undefined);
          await this.client.containerRemove(c.Id, { force: true });
          const id = await this.create(s, n, images.get(s.name)!);
          this.progress.event({ kind: 'Container', name: cname, status: 'Recreated', done: true });
          toStart.push(id);
          continue;
        }
        this.progress.event({ kind: 'Container', name: cname, status: 'Creating', done: false });
        const id = await this.create(s, n, images.get(s.name)!);
        this.progress.event({ kind: 'Container', name: cname, status: 'Created', done: true });
        toStart.push(id);
      }
      // Scaled down: the highest numbers go.
      for (const c of byNumber.values()) await this.removeOne(c, o.timeout, true);
    }
    if (!o.noStart) await this.startInOrder(services, new Set(toStart));
    return this.containers({ services: services.map((s) => s.name) });
  }

  private async create(s: ServiceConfig, n: number, imageId: string): Promise<string> {
    const req = createRequest(this.project, s, n, imageId);
    const { Id } = await this.client.containerCreate(req.body as never, req.name);
    // Networks after the first are connected before start, as compose does.
    for (const [key, cfg] of serviceNetworks(s).slice(1)) {
      await this.client.transport.text({
        method: 'POST',
        path: `/networks/${encodeURIComponent(this.project.networks[key]!.name)}/connect`,
        body: { Container: Id, EndpointConfig: endpoint(s, req.name, cfg) },
      });
    }
    return Id;
  }

  /** Starts services in dependency order, honouring depends_on conditions; `only` limits which containers. */
  async startInOrder(services: ServiceConfig[], only?: Set<string>, quiet = false): Promise<void> {
    for (const s of services) {
      for (const [dep, cond] of Object.entries(s.depends_on)) await this.waitFor(dep, cond.condition, cond.required);
      for (const c of await this.containers({ services: [s.name] })) {
        if (only && !only.has(c.Id)) continue;
        if (c.State === 'running') continue;
        if (!quiet) this.progress.event({ kind: 'Container', name: name(c), status: 'Starting', done: false });
        await this.client.containerStart(c.Id);
        if (!quiet) this.progress.event({ kind: 'Container', name: name(c), status: 'Started', done: true });
      }
    }
  }

  async waitFor(service: string, condition: string, required: boolean): Promise<void> {
    if (condition === 'service_started') return;
    const containers = await this.containers({ services: [service] });
    if (!containers.length && !required) return;
    for (const c of containers) {
      this.progress.event({ kind: 'Container', name: name(c), status: 'Waiting', done: false });
      for (;;) {
        const info = await this.client.containerInspect(c.Id);
        const state = info.State as { Status: string; ExitCode: number; Health?: { Status: string } };
        if (condition === 'service_healthy') {
          const h = state.Health?.Status;
          if (!h) throw new ComposeError(`container ${name(c)} has no healthcheck configured`);
          if (h === 'healthy') { this.progress.event({ kind: 'Container', name: name(c), status: 'Healthy', done: true }); break; }
          if (h === 'unhealthy') {
            this.progress.event({ kind: 'Container', name: name(c), status: 'Error', done: true, error: true });
            throw new ComposeError(`dependency failed to start: container ${name(c)} is unhealthy`);
          }
          if (state.Status === 'exited') throw new ComposeError(`dependency failed to start: container ${name(c)} exited (${state.ExitCode})`);
        } else if (state.Status === 'exited') {
          if (state.ExitCode !== 0) {
            this.progress.event({ kind: 'Container', name: name(c), status: 'Error', done: true, error: true });
            throw new ComposeError(`service "${service}" didn't complete successfully: exit ${state.ExitCode}`);
          }
          this.progress.event({ kind: 'Container', name: name(c), status: 'Exited', done: true });
          break;
        }
        await sleep(100);
      }
    }
  }

  private async orphans(remove: boolean): Promise<void> {
    const known = new Set([...Object.keys(this.project.services), ...Object.keys(this.project.disabled)]);
    const orphans = (await this.containers()).filter((c) => !known.has(c.Labels?.[LABEL.service] ?? ''));
    if (!orphans.length) return;
    if (!remove) {
      this.warn(`Found orphan containers ([${orphans.map(name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
      return;
    }
    for (const c of orphans) await this.removeOne(c, undefined, true);
  }

  // ------------------------------------------------------------------------------------------ down & verbs

  private async removeOne(c: ContainerSummary, timeout: number | undefined, stop: boolean): Promise<void> {
    if (stop && c.State === 'running') {
      this.progress.event({ kind: 'Container', name: name(c), status: 'Stopping', done: false });
      await this.client.containerStop(c.Id, timeout).catch((err) => { if (!isNotFound(err)) throw err; });
      this.progress.event({ kind: 'Container', name: name(c), status: 'Stopped', done: true });
    }
    this.progress.event({ kind: 'Container', name: name(c), status: 'Removing', done: false });
    await this.client.containerRemove(c.Id, { force: true, v: true }).catch((err) => { if (!isNotFound(err)) throw err; });
    this.progress.event({ kind: 'Container', name: name(c), status: 'Removed', done: true });
  }

  /** Containers of the given services in reverse dependency order (dependents first), as compose stops them. */
  private async reverseOrder(services: string[], opts: { all?: boolean; oneoff?: boolean } = {}): Promise<ContainerSummary[]> {
    const order = dependencyOrder({ ...this.project.disabled, ...this.project.services }).map((s) => s.name).reverse();
    const list = await this.containers({ services, all: opts.all, oneoff: opts.oneoff });
    const rank = (c: ContainerSummary): number => {
      const i = order.indexOf(c.Labels?.[LABEL.service] ?? '');
      return i < 0 ? -1 : i;
    };
    return list.sort((a, b) => rank(a) - rank(b) || name(a).localeCompare(name(b)));
  }

  async down(o: DownOptions): Promise<void> {
    const known = new Set([...Object.keys(this.project.services), ...Object.keys(this.project.disabled)]);
    const all = await this.reverseOrder([], { oneoff: true });
    for (const c of all) {
      const svc = c.Labels?.[LABEL.service] ?? '';
      if (!known.has(svc) && !o.removeOrphans && c.Labels?.[LABEL.oneoff] === 'False') continue;
      await this.removeOne(c, o.timeout, true);
    }
    const leftovers = (await this.containers()).filter((c) => !known.has(c.Labels?.[LABEL.service] ?? ''));
    if (leftovers.length && !o.removeOrphans) {
      this.warn(`Found orphan containers ([${leftovers.map(name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
    }
    for (const n of Object.values(this.project.networks)) {
      if (n.external) continue;
      const found = await this.client.transport.json<{ Id: string; Labels?: Record<string, string> }>({ path: `/networks/${encodeURIComponent(n.name)}` }).catch((err) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (!found || found.Labels?.[LABEL.project] !== this.project.name) continue;
      this.progress.event({ kind: 'Network', name: n.name, status: 'Removing', done: false });
      await this.client.transport.text({ method: 'DELETE', path: `/networks/${encodeURIComponent(found.Id)}` });
      this.progress.event({ kind: 'Network', name: n.name, status: 'Removed', done: true });
    }
    if (o.volumes) {
      for (const v of Object.values(this.project.volumes)) {
        if (v.external) continue;
        const found = await this.client.transport.json<{ Labels?: Record<string, string> | null }>({ path: `/volumes/${encodeURIComponent(v.name)}` }).catch((err) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
        if (!found || found.Labels?.[LABEL.project] !== this.project.name) continue;
        this.progress.event({ kind: 'Volume', name: v.name, status: 'Removing', done: false });
        await this.client.transport.text({ method: 'DELETE', path: `/volumes/${encodeURIComponent(v.name)}` });
        this.progress.event({ kind: 'Volume', name: v.name, status: 'Removed', done: true });
      }
    }
    if (o.rmi) {
      for (const s of Object.values(this.project.services)) {
        if (o.rmi === 'local' && !s.build) continue;
        this.progress.event({ kind: 'Image', name: s.image!, status: 'Removing', done: false });
        const gone = await this.client.imageRemove(s.image!, {}).then(() => true, (err) => { if (isNotFound(err)) return false; throw err; });
        if (gone) this.progress.event({ kind: 'Image', name: s.image!, status: 'Removed', done: true });
      }
    }
  }

  async stop(services: string[], timeout?: number): Promise<void> {
    for (const c of await this.reverseOrder(services)) {
      if (c.State !== 'running' && c.State !== 'paused') continue;
      this.progress.event({ kind: 'Container', name: name(c), status: 'Stopping', done: false });
      await this.client.containerStop(c.Id, timeout);
      this.progress.event({ kind: 'Container', name: name(c), status: 'Stopped', done: true });
    }
  }

  async start(services: string[]): Promise<void> {
    const selected = this.selected(services).filter((s) => !services.length || services.includes(s.name));
    if (!(await this.containers({ services })).length) throw new ComposeError('service "' + (services[0] ?? Object.keys(this.project.services)[0] ?? '') + '" has no container to start');
    await this.startInOrder(selected);
  }

  async restart(services: string[], timeout?: number): Promise<void> {
    for (const c of await this.containers({ services })) {
      this.progress.event({ kind: 'Container', name: name(c), status: 'Restarting', done: false });
      await this.client.containerRestart(c.Id, timeout);
      this.progress.event({ kind: 'Container', name: name(c), status: 'Started', done: true });
    }
  }

  async kill(services: string[], signal?: string): Promise<void> {
    for (const c of await this.containers({ services })) {
      if (c.State !== 'running') continue;
      this.progress.event({ kind: 'Container', name: name(c), status: 'Killing', done: false });
      await this.client.containerKill(c.Id, signal);
      this.progress.event({ kind: 'Container', name: name(c), status: 'Killed', done: true });
    }
  }

  async pause(services: string[], resume: boolean): Promise<void> {
    for (const c of await this.containers({ services })) {
      this.progress.event({ kind: 'Container', name: name(c), status: resume ? 'Unpausing' : 'Pausing', done: false });
      if (resume) await this.client.containerUnpause(c.Id); else await this.client.containerPause(c.Id);
      this.progress.event({ kind: 'Container', name: name(c), status: resume ? 'Unpaused' : 'Paused', done: true });
    }
  }

  /** Stopped containers `rm` would remove (all of them with `stop`). */
  async removable(services: string[], stopFirst: boolean): Promise<ContainerSummary[]> {
    return (await this.containers({ services })).filter((c) => stopFirst || c.State !== 'running');
  }

  async rm(list: ContainerSummary[], stopFirst: boolean, volumes: boolean): Promise<void> {
    for (const c of list) {
      if (stopFirst && c.State === 'running') {
        this.progress.event({ kind: 'Container', name: name(c), status: 'Stopping', done: false });
        await this.client.containerStop(c.Id);
        this.progress.event({ kind: 'Container', name: name(c), status: 'Stopped', done: true });
      }
      this.progress.event({ kind: 'Container', name: name(c), status: 'Removing', done: false });
      await this.client.containerRemove(c.Id, { v: volumes });
      this.progress.event({ kind: 'Container', name: name(c), status: 'Removed', done: true });
    }
  }
}

/** A container's name without the leading slash. */
export function name(c: ContainerSummary): string {
  return (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
}

/** The prefix compose puts on log lines: "web-1" for a default name, else the container name. */
export function logPrefix(project: Project, c: ContainerSummary): string {
  const n = name(c);
  return n.startsWith(`${project.name}-`) ? n.slice(project.name.length + 1) : n;
}
