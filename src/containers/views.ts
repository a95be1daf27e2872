// The Engine API's views of a container record: ContainerJSON (GET /containers/{id}/json) and
// ContainerSummary (GET /containers/json), field for field as Docker 20.10 sends them.
import { humanDuration } from '../units/index.js';
import type { ContainerRecord } from './types.js';
import { mountsView } from './mounts.js';

export interface RecordPaths {
  dir: string;
  logPath: string;
  graphDriver: { Name: string; Data: Record<string, string> | null };
}

export interface NetworkView {
  settings: Record<string, unknown>;
  summary: Record<string, unknown>;
  /** ps's Ports column (published and exposed ports of a running container). */
  ports?: Array<Record<string, unknown>>;
}

/** The "Status" column of docker ps ("Up 3 seconds", "Exited (0) 2 minutes ago", "Created"). */
export function statusText(rec: ContainerRecord, now = Date.now()): string {
  const s = rec.State;
  switch (s.Status) {
    case 'running':
    case 'paused': {
      const up = `Up ${humanDuration(now - Date.parse(s.StartedAt))}`;
      if (s.Status === 'paused') return `${up} (Paused)`;
      // dockerd's State.String(): "(health: starting)", "(healthy)", "(unhealthy)".
      if (s.Health) return `${up} (${s.Health.Status === 'starting' ? 'health: starting' : s.Health.Status})`;
      return up;
    }
    case 'restarting': return `Restarting (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
    case 'removing': return 'Removal In Progress';
    case 'dead': return 'Dead';
    case 'created': return 'Created';
    case 'exited':
      if (s.FinishedAt.startsWith('0001-')) return 'Created';
      return `Exited (${s.ExitCode}) ${humanDuration(now - Date.parse(s.FinishedAt))} ago`;
  }
}

export function inspectView(rec: ContainerRecord, paths: RecordPaths, net: NetworkView, sizes?: { rw: number; rootFs: number }): Record<string, unknown> {
  const s = rec.State;
  const started = !s.StartedAt.startsWith('0001-');
  const view: Record<string, unknown> = {
    Id: rec.Id,
    Created: rec.Created,
    Path: rec.Path,
    Args: rec.Args,
    State: {
      Status: s.Status,
      // dockerd keeps Running true while a restart policy waits to start the container again.
      Running: s.Status === 'running' || s.Status === 'paused' || s.Status === 'restarting',
      Paused: s.Status === 'paused',
      Restarting: s.Status === 'restarting',
      OOMKilled: s.OOMKilled,
      Dead: s.Status === 'dead',
      Pid: s.Pid,
      ExitCode: s.ExitCode,
      Error: s.Error,
      StartedAt: s.StartedAt,
      FinishedAt: s.FinishedAt,
      ...(s.Health ? { Health: s.Health } : {}),
    },
    Image: rec.Image,
    // dockerd fills these in when the container first starts; a never-started container shows "".
    ResolvConfPath: started ? `${rec.EtcDir ?? paths.dir}/resolv.conf` : '',
    HostnamePath: started ? `${rec.EtcDir ?? paths.dir}/hostname` : '',
    HostsPath: started ? `${rec.EtcDir ?? paths.dir}/hosts` : '',
    LogPath: started ? paths.logPath : '',
    Name: rec.Name,
    RestartCount: rec.RestartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: rec.HostConfig,
    GraphDriver: { Data: paths.graphDriver.Data, Name: paths.graphDriver.Name },
  };
  if (sizes) { view.SizeRw = sizes.rw; view.SizeRootFs = sizes.rootFs; }
  view.Mounts = mountsView(rec);
  view.Config = rec.Config;
  view.NetworkSettings = net.settings;
  return view;
}

/** dockerd's ps Command: path, then args with any arg containing a space wrapped in single quotes. */
export function commandLine(rec: ContainerRecord): string {
  if (!rec.Args.length) return rec.Path;
  return `${rec.Path} ${rec.Args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`;
}

export function summaryView(rec: ContainerRecord, imageName: string, net: NetworkView, sizes?: { rw: number; rootFs: number }, linkNames: string[] = []): Record<string, unknown> {
  const view: Record<string, unknown> = {
    Id: rec.Id,
    // Its own name, then the links other containers reach it by ("/parent/alias"), as dockerd's ps.
    Names: [rec.Name, ...linkNames],
    Image: imageName,
    ImageID: rec.Image,
    Command: commandLine(rec),
    Created: Math.floor(Date.parse(rec.Created) / 1000),
    Ports: net.ports ?? [],
  };
  // Docker's types.Container tags both sizes omitempty: a container that wrote nothing has no SizeRw.
  if (sizes?.rw) view.SizeRw = sizes.rw;
  if (sizes?.rootFs) view.SizeRootFs = sizes.rootFs;
  Object.assign(view, {
    Labels: rec.Config.Labels ?? {},
    State: rec.State.Status,
    Status: statusText(rec),
    HostConfig: { NetworkMode: rec.HostConfig.NetworkMode },
    NetworkSettings: net.summary,
    Mounts: mountsView(rec).map((m) => ({ ...m })),
  });
  return view;
}
