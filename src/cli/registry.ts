// Which modules implement which command paths. Each module is imported only when its command runs, so
// `wharf --version` and `wharf ps` do not pay for the others.
import type { Command } from './command.js';

export interface Entry { short: string; load: () => Promise<{ default: Command }>; aliases?: string[] }
export type Group = 'container' | 'image' | 'system' | 'volume' | 'builder' | 'network';

export const GROUPS: Record<Group, { short: string; verbs: Record<string, Entry> }> = {
  container: {
    short: 'Manage containers',
    verbs: {
      attach: { short: 'Attach local standard input, output, and error streams to a running container', load: () => import('./commands/container/attach.js') },
      cp: { short: 'Copy files/folders between a container and the local filesystem', load: () => import('./commands/container/cp.js') },
      commit: { short: "Create a new image from a container's changes", load: () => import('./commands/container/commit.js') },
      create: { short: 'Create a new container', load: () => import('./commands/container/create.js') },
      diff: { short: "Inspect changes to files or directories on a container's filesystem", load: () => import('./commands/container/diff.js') },
      exec: { short: 'Run a command in a running container', load: () => import('./commands/container/exec.js') },
      export: { short: "Export a container's filesystem as a tar archive", load: () => import('./commands/container/export.js') },
      inspect: { short: 'Display detailed information on one or more containers', load: () => import('./commands/container/inspect.js') },
      kill: { short: 'Kill one or more running containers', load: () => import('./commands/container/kill.js') },
      logs: { short: 'Fetch the logs of a container', load: () => import('./commands/container/logs.js') },
      ls: { short: 'List containers', load: () => import('./commands/container/ls.js'), aliases: ['ls', 'ps', 'list'] },
      pause: { short: 'Pause all processes within one or more containers', load: () => import('./commands/container/pause.js') },
      port: { short: 'List port mappings or a specific mapping for the container', load: () => import('./commands/container/port.js') },
      prune: { short: 'Remove all stopped containers', load: () => import('./commands/container/prune.js') },
      rename: { short: 'Rename a container', load: () => import('./commands/container/rename.js') },
      restart: { short: 'Restart one or more containers', load: () => import('./commands/container/restart.js') },
      rm: { short: 'Remove one or more containers', load: () => import('./commands/container/rm.js'), aliases: ['rm', 'remove'] },
      run: { short: 'Run a command in a new container', load: () => import('./commands/container/run.js') },
      start: { short: 'Start one or more stopped containers', load: () => import('./commands/container/start.js') },
      stop: { short: 'Stop one or more running containers', load: () => import('./commands/container/stop.js') },
      top: { short: 'Display the running processes of a container', load: () => import('./commands/container/top.js') },
      stats: { short: 'Display a live stream of container(s) resource usage statistics', load: () => import('./commands/container/stats.js') },
      update: { short: 'Update configuration of one or more containers', load: () => import('./commands/container/update.js') },
      unpause: { short: 'Unpause all processes within one or more containers', load: () => import('./commands/container/unpause.js') },
      wait: { short: 'Block until one or more containers stop, then print their exit codes', load: () => import('./commands/container/wait.js') },
    },
  },
  image: {
    short: 'Manage images',
    verbs: {
      build: { short: 'Build an image from a Dockerfile', load: () => import('./commands/image/build.js') },
      history: { short: 'Show the history of an image', load: () => import('./commands/image/history.js') },
      import: { short: 'Import the contents from a tarball to create a filesystem image', load: () => import('./commands/image/import.js') },
      inspect: { short: 'Display detailed information on one or more images', load: () => import('./commands/image/inspect.js') },
      load: { short: 'Load an image from a tar archive or STDIN', load: () => import('./commands/image/load.js') },
      ls: { short: 'List images', load: () => import('./commands/image/ls.js'), aliases: ['ls', 'images', 'list'] },
      prune: { short: 'Remove unused images', load: () => import('./commands/image/prune.js') },
      pull: { short: 'Pull an image or a repository from a registry', load: () => import('./commands/image/pull.js') },
      push: { short: 'Push an image or a repository to a registry', load: () => import('./commands/image/push.js') },
      rm: { short: 'Remove one or more images', load: () => import('./commands/image/rm.js'), aliases: ['rm', 'rmi', 'remove'] },
      save: { short: 'Save one or more images to a tar archive (streamed to STDOUT by default)', load: () => import('./commands/image/save.js') },
      tag: { short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', load: () => import('./commands/image/tag.js') },
    },
  },
  builder: {
    short: 'Manage builds',
    verbs: {
      build: { short: 'Build an image from a Dockerfile', load: () => import('./commands/image/build.js') },
      prune: { short: 'Remove build cache', load: () => import('./commands/builder/prune.js') },
    },
  },
  system: {
    short: 'Manage Docker',
    verbs: {
      df: { short: 'Show docker disk usage', load: () => import('./commands/system/df.js') },
      events: { short: 'Get real time events from the server', load: () => import('./commands/system/events.js') },
      info: { short: 'Display system-wide information', load: () => import('./commands/system/info.js') },
      prune: { short: 'Remove unused data', load: () => import('./commands/system/prune.js') },
    },
  },
  network: {
    short: 'Manage networks',
    verbs: {
      connect: { short: 'Connect a container to a network', load: () => import('./commands/network/connect.js') },
      create: { short: 'Create a network', load: () => import('./commands/network/create.js') },
      disconnect: { short: 'Disconnect a container from a network', load: () => import('./commands/network/disconnect.js') },
      inspect: { short: 'Display detailed information on one or more networks', load: () => import('./commands/network/inspect.js') },
      ls: { short: 'List networks', load: () => import('./commands/network/ls.js'), aliases: ['ls', 'list'] },
      prune: { short: 'Remove all unused networks', load: () => import('./commands/network/prune.js') },
      rm: { short: 'Remove one or more networks', load: () => import('./commands/network/rm.js'), aliases: ['rm', 'remove'] },
    },
  },
  volume: {
    short: 'Manage volumes',
    verbs: {
      create: { short: 'Create a volume', load: () => import('./commands/volume/create.js') },
      inspect: { short: 'Display detailed information on one or more volumes', load: () => import('./commands/volume/inspect.js') },
      ls: { short: 'List volumes', load: () => import('./commands/volume/ls.js'), aliases: ['ls', 'list'] },
      prune: { short: 'Remove all unused local volumes', load: () => import('./commands/volume/prune.js') },
      rm: { short: 'Remove one or more volumes', load: () => import('./commands/volume/rm.js'), aliases: ['rm', 'remove'] },
    },
  },
};

/** Top-level shortcuts (`docker ps` is `docker container ls`), plus the commands with no group. */
export const TOP: Record<string, Entry | [Group, string]> = {
  attach: ['container', 'attach'], commit: ['container', 'commit'], cp: ['container', 'cp'], create: ['container', 'create'], diff: ['container', 'diff'], export: ['container', 'export'], exec: ['container', 'exec'], kill: ['container', 'kill'],
  logs: ['container', 'logs'], pause: ['container', 'pause'], port: ['container', 'port'], ps: ['container', 'ls'],
  rename: ['container', 'rename'], restart: ['container', 'restart'], rm: ['container', 'rm'], run: ['container', 'run'],
  start: ['container', 'start'], stop: ['container', 'stop'], top: ['container', 'top'], unpause: ['container', 'unpause'],
  wait: ['container', 'wait'], stats: ['container', 'stats'], update: ['container', 'update'],
  build: ['image', 'build'], history: ['image', 'history'], images: ['image', 'ls'], import: ['image', 'import'], load: ['image', 'load'],
  pull: ['image', 'pull'], push: ['image', 'push'], rmi: ['image', 'rm'], save: ['image', 'save'], tag: ['image', 'tag'],
  events: ['system', 'events'], info: ['system', 'info'],
  login: { short: 'Log in to a Docker registry', load: () => import('./commands/registry/login.js') },
  logout: { short: 'Log out from a Docker registry', load: () => import('./commands/registry/logout.js') },
  search: { short: 'Search the Docker Hub for images', load: () => import('./commands/registry/search.js') },
  compose: { short: 'Docker Compose', load: () => import('./commands/compose/compose.js') },
  inspect: { short: 'Return low-level information on Docker objects', load: () => import('./commands/system/inspect.js') },
  version: { short: 'Show the Docker version information', load: () => import('./commands/system/version.js') },
};

export function lookupVerb(group: Group, verb: string): Entry | undefined {
  const verbs = GROUPS[group].verbs;
  // Group verbs are also reachable by their aliases (`docker container list`, `docker image rmi`).
  return Object.hasOwn(verbs, verb) ? verbs[verb] : Object.values(verbs).find((e) => e.aliases?.includes(verb));
}

export function isGroup(name: string): name is Group { return Object.hasOwn(GROUPS, name); }
