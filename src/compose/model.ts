// The normalized compose project: what load.ts makes of one or more compose files, in the canonical shapes
// compose-go produces (lists of KEY=VALUE turned into maps, short port and volume syntax expanded, relative
// paths resolved against the project directory).

export interface PortConfig {
  target: number;
  published?: string;
  host_ip?: string;
  protocol: string;
  mode?: string;
}

export interface MountConfig {
  type: 'volume' | 'bind' | 'tmpfs';
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; create_host_path?: boolean };
  volume?: { nocopy?: boolean };
  tmpfs?: { size?: number; mode?: number };
}

export interface ServiceNetwork { aliases?: string[]; ipv4_address?: string; ipv6_address?: string; priority?: number }

export interface DependsOn { condition: 'service_started' | 'service_healthy' | 'service_completed_successfully'; restart?: boolean; required: boolean }

export interface BuildConfig { context: string; dockerfile?: string; args?: Record<string, string | null>; target?: string; labels?: Record<string, string>; network?: string; no_cache?: boolean; pull?: boolean }

export interface HealthcheckConfig { test?: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string; disable?: boolean }

export interface ServiceConfig {
  name: string;
  image?: string;
  build?: BuildConfig;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment: Record<string, string | null>;
  labels: Record<string, string>;
  ports: PortConfig[];
  expose: string[];
  volumes: MountConfig[];
  volumes_from: string[];
  tmpfs: string[];
  /** Absent when network_mode is set. */
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  depends_on: Record<string, DependsOn>;
  container_name?: string;
  restart?: string;
  healthcheck?: HealthcheckConfig;
  working_dir?: string;
  user?: string;
  hostname?: string;
  domainname?: string;
  tty?: boolean;
  stdin_open?: boolean;
  privileged?: boolean;
  read_only?: boolean;
  init?: boolean;
  cap_add: string[];
  cap_drop: string[];
  dns: string[];
  dns_search: string[];
  dns_opt: string[];
  extra_hosts: string[];
  security_opt: string[];
  sysctls: Record<string, string>;
  ulimits: Record<string, { soft: number; hard: number }>;
  stop_signal?: string;
  stop_grace_period?: string;
  mem_limit?: number;
  cpus?: number;
  pids_limit?: number;
  shm_size?: number;
  logging?: { driver?: string; options?: Record<string, string> };
  profiles: string[];
  scale: number;
  pull_policy?: string;
  platform?: string;
  devices: string[];
  group_add: string[];
  cgroup_parent?: string;
  ipc?: string;
  pid?: string;
  mac_address?: string;
}

export interface NetworkConfig {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv6?: boolean;
  labels: Record<string, string>;
  ipam?: { driver?: string; config?: Array<{ subnet?: string; gateway?: string; ip_range?: string }> };
}

export interface VolumeConfig {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels: Record<string, string>;
}

export interface Project {
  name: string;
  workingDir: string;
  configFiles: string[];
  services: Record<string, ServiceConfig>;
  /** Services present in the files but left out by profiles. */
  disabled: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  /** The variables interpolation saw: .env overlaid by the process environment. */
  environment: Record<string, string>;
}

/** compose-go's NormalizeProjectName: lowercase, only [a-z0-9_-], starting with a letter or digit. */
export function normalizeProjectName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}
