// The daemon configuration file, dockerd's daemon.json shape (--config-file, default /etc/wharf/daemon.json).
// wharf reads the registry keys; unknown keys are refused like dockerd does, so a typo is not silently lost.
import { readFileSync } from 'node:fs';
import type { DaemonFlags } from './flags.js';

export interface DaemonConfig {
  'insecure-registries'?: string[];
  'registry-mirrors'?: string[];
  'max-concurrent-downloads'?: number;
  'max-concurrent-uploads'?: number;
  'max-download-attempts'?: number;
}

const KNOWN = new Set(['insecure-registries', 'registry-mirrors', 'max-concurrent-downloads', 'max-concurrent-uploads', 'max-download-attempts', 'debug', 'data-root', 'hosts', 'pidfile', 'runtimes', 'default-runtime', 'log-level']);

export class ConfigError extends Error {}

/** Reads the file (a missing default file is an empty config; a missing explicit one is an error). */
export function loadDaemonConfig(flags: DaemonFlags, explicit: boolean): DaemonConfig {
  let text: string;
  try {
    text = readFileSync(flags.configFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return {};
    throw new ConfigError(`unable to configure the Docker daemon with file ${flags.configFile}: ${(err as Error).message}`);
  }
  let cfg: Record<string, unknown>;
  try {
    cfg = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`unable to configure the Docker daemon with file ${flags.configFile}: ${(err as Error).message}`);
  }
  const unknown = Object.keys(cfg).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw new ConfigError(`the following directives don't match any configuration option: ${unknown.join(', ')}`);
  for (const k of ['insecure-registries', 'registry-mirrors'] as const) {
    const v = cfg[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) throw new ConfigError(`invalid ${k}: expected a list of strings`);
  }
  for (const m of (cfg['registry-mirrors'] as string[] | undefined) ?? []) {
    if (!/^https?:\/\/[^/]+\/?$/.test(m)) throw new ConfigError(`invalid mirror: "${m}" is not a valid URI`);
  }
  return cfg as DaemonConfig;
}
