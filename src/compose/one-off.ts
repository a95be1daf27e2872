// `docker compose run`: a one-off container of a service, as compose v2.20 makes it. The service's
// dependencies are converged and started first (unless noDeps), then one container named
// `<project>-<service>-run-<12 hex>` is created with oneoff=True and a random slug label, the service's ports
// left out unless asked, its restart policy dropped, and only its own name as a network alias unless
// useAliases. Starting and attaching is the caller's (compose hands that to docker's `start` code).
import { randomBytes } from 'node:crypto';
import { LABEL, createRequest, endpoint, serviceNetworks } from './convert.js';
import { parseMount, parsePort } from './load.js';
import type { ServiceConfig } from './model.js';
import type { Builder, ProjectOps } from './project-ops.js';

export const SLUG_LABEL = 'com.docker.compose.slug';

export interface RunOneOffOptions {
  service: string;
  /** Replaces the service's command when non-empty. */
  command: string[];
  /** Already split into words; replaces the entrypoint (and empties the command when none is given). */
  entrypoint?: string[];
  /** KEY=VALUE, or KEY alone to take the value from the project's environment (dropped when unset there). */
  env: string[];
  labels: Record<string, string>;
  user?: string;
  workdir?: string;
  name?: string;
  tty: boolean;
  interactive: boolean;
  autoRemove: boolean;
  noDeps: boolean;
  servicePorts: boolean;
  publish: string[];
  volumes: string[];
  capAdd: string[];
  capDrop: string[];
  useAliases: boolean;
  build: boolean;
  /** --pull: always, missing, never, build. */
  pull?: string;
  removeOrphans: boolean;
}

export interface OneOffContainer { id: string; name: string }

/** The service as the one-off runs it: compose's applyRunOptions plus run's port and volume flags. */
export function oneOffService(ops: ProjectOps, target: ServiceConfig, o: RunOneOffOptions, name: string): ServiceConfig {
  const s: ServiceConfig = {
    ...target,
    container_name: name,
    restart: undefined,
    scale: 1,
    tty: o.tty,
    stdin_open: o.interactive,
    environment: { ...target.environment },
    labels: { ...target.labels, ...o.labels },
  };
  if (o.command.length) s.command = o.command;
  if (o.user) s.user = o.user;
  if (o.workdir) s.working_dir = o.workdir;
  if (o.entrypoint) {
    s.entrypoint = o.entrypoint;
    if (!o.command.length) s.command = [];
  }
  if (o.capAdd.length) {
    s.cap_add = [...s.cap_add, ...o.capAdd];
    s.cap_drop = s.cap_drop.filter((c) => !o.capAdd.includes(c));
  }
  if (o.capDrop.length) {
    s.cap_drop = [...s.cap_drop, ...o.capDrop];
    s.cap_add = s.cap_add.filter((c) => !o.capDrop.includes(c));
  }
  for (const e of o.env) {
    const i = e.indexOf('=');
    if (i >= 0) { s.environment[e.slice(0, i)] = e.slice(i + 1); continue; }
    const v = ops.project.environment[e];
    if (v !== undefined) s.environment[e] = v;
  }
  if (!o.servicePorts) s.ports = [];
  if (o.publish.length) s.ports = o.publish.flatMap((p) => parsePort(p));
  if (o.volumes.length) s.volumes = [...target.volumes, ...o.volumes.map((v) => parseMount(v, ops.project.workingDir))];
  return s;
}

/** Converges the dependencies, then creates (without starting) the one-off container. */
export async function createOneOff(ops: ProjectOps, o: RunOneOffOptions, builder: Builder): Promise<OneOffContainer> {
  const selected = ops.selectedServices([o.service]);
  const target = selected.find((s) => s.name === o.service)!;
  const deps = o.noDeps ? [] : selected.filter((s) => s !== target);
  if (deps.length) {
    await ops.up({
      services: deps.map((s) => s.name), build: false, noBuild: false, forceRecreate: false, noRecreate: false,
      noStart: false, removeOrphans: o.removeOrphans, pull: o.pull,
    }, builder);
  }
  await ops.ensureNetworks([target]);
  await ops.ensureVolumes([target]);
  const imageId = await ops.ensureImage(target, builder, o.build, false, o.pull);
  if (!o.noDeps) {
    for (const [dep, cond] of Object.entries(target.depends_on)) await ops.waitFor(dep, cond.condition, cond.required);
  }
  const slug = randomBytes(32).toString('hex');
  const name = o.name ?? target.container_name ?? `${ops.project.name}-${target.name}-run-${slug.slice(0, 12)}`;
  const s = oneOffService(ops, target, o, name);
  const req = createRequest(ops.project, s, 1, imageId);
  const body = req.body as Record<string, unknown> & { Labels: Record<string, string>; HostConfig: Record<string, unknown> };
  body.Labels[LABEL.oneoff] = 'True';
  body.Labels[SLUG_LABEL] = slug;
  Object.assign(body, { AttachStdin: o.interactive, AttachStdout: true, AttachStderr: true, OpenStdin: o.interactive, StdinOnce: o.interactive });
  body.HostConfig.AutoRemove = o.autoRemove;
  const nets = serviceNetworks(s);
  const ep = (cfg: (typeof nets)[number][1]): Record<string, unknown> => {
    const e = endpoint(s, name, cfg);
    // Without --use-aliases compose gives a one-off only its container name on each network.
    if (!o.useAliases) e.Aliases = [name];
    return e;
  };
  if (nets[0] && !s.network_mode) {
    body.NetworkingConfig = { EndpointsConfig: { [ops.project.networks[nets[0][0]]!.name]: ep(nets[0][1]) } };
  }
  const { Id } = await ops.client.containerCreate(body as never, name);
  if (!s.network_mode) {
    for (const [key, cfg] of nets.slice(1)) {
      await ops.client.transport.text({
        method: 'POST',
        path: `/networks/${encodeURIComponent(ops.project.networks[key]!.name)}/connect`,
        body: { Container: Id, EndpointConfig: ep(cfg) },
      });
    }
  }
  return { id: Id, name };
}
