// GET /containers/{id}/top: the container's pids from the runtime, `ps` output filtered to them.
import { top } from '../containers/index.js';
import type { ContainerDeps } from './container-backend.js';

export async function topContainer(d: ContainerDeps, ref: string, psArgs: string | undefined): Promise<Record<string, unknown>> {
  const rec = d.containers.store.get(ref);
  const result = await top(rec.State.Status === 'running' || rec.State.Status === 'paused', rec.Id, () => d.runtime.ps(rec.Id), psArgs);
  return { ...result };
}
