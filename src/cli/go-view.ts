// docker inspect executes a --format template on the typed Go value first (types.ContainerJSON, ImageInspect,
// Volume, NetworkResource) and only when that fails on the raw JSON as maps with missingkey=error. goView turns
// the raw JSON into stand-ins for the typed value: objects become Go structs (printed "{no 0}", a missing
// field fails), except the ones that are Go maps (labels, ports, options...); a null slice or map prints as
// Go's nil slice "[]" or nil map "map[]" and still encodes as null in {{json}}.
import { GO_STRINGER, GO_TYPE } from './format/index.js';

/** time.Time fields (image Metadata.LastTagTime, a network's Created, health probe times): printed by Time.String. */
const TIME_PATH = /^(Metadata\.LastTagTime|State\.Health\.Log\[\d+\]\.(Start|End))$/;

/** Go's Time.String() of an RFC 3339 timestamp as the JSON decoder leaves it (UTC for a "Z" zone). */
export function goTimeUtcString(rfc3339: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(rfc3339);
  if (!m) return rfc3339;
  const frac = (m[3] ?? '').replace(/\.?0+$/, '');
  return `${m[1]} ${m[2]}${frac} +0000 UTC`;
}

function goTime(s: string): object {
  const t = { [GO_TYPE]: 'time.Time', [GO_STRINGER]: () => goTimeUtcString(s) };
  Object.defineProperty(t, 'toJSON', { value: () => s, enumerable: false });
  return t;
}

/** Keys whose object is a Go map (data keys), wherever they appear. */
const MAP_KEY = /(^|\.)(Labels|Networks|Ports|PortBindings|ExposedPorts|Volumes|Options|DriverOpts|Data|Sysctls|Tmpfs|StorageOpt|Containers|Status|LogConfig\.Config|Annotations|Peers)$/;
/** Keys whose null is a nil slice. */
const SLICE_KEY = /(^|\.)(Cmd|Entrypoint|Env|Shell|OnBuild|Binds|Links|Dns|DnsOptions|DnsSearch|ExtraHosts|CapAdd|CapDrop|SecurityOpt|Devices|DeviceCgroupRules|DeviceRequests|GroupAdd|VolumesFrom|Ulimits|BlkioWeightDevice|BlkioDeviceReadBps|BlkioDeviceWriteBps|BlkioDeviceReadIOps|BlkioDeviceWriteIOps|MaskedPaths|ReadonlyPaths|Mounts|Aliases|SecondaryIPAddresses|SecondaryIPv6Addresses|RepoTags|RepoDigests|Layers|Log|ExecIDs|Args|Test|LinkLocalIPs|IPAM\.Config|ConsoleSize|Warnings)$/;

/** {{json}} of a view is the JSON it came from: Go's encoding of the typed value, omitempty fields left out. */
function asJson<T extends object>(view: T, raw: unknown): T {
  Object.defineProperty(view, 'toJSON', { value: () => raw, enumerable: false });
  return view;
}

function nilOf(kind: 'slice' | 'map'): unknown {
  const v: object = kind === 'slice' ? [] : {};
  Object.defineProperty(v, 'toJSON', { value: () => null, enumerable: false });
  return v;
}

type Zero = '' | false | null | 'slice' | 'map';
const zero = (z: Zero): unknown => (z === 'slice' || z === 'map' ? nilOf(z) : z);

/** container.Config in Go's field order; the omitempty ones dockerd's JSON may leave out get their zero value. */
const CONTAINER_CONFIG: Array<[string, Zero]> = [
  ['Hostname', ''], ['Domainname', ''], ['User', ''], ['AttachStdin', false], ['AttachStdout', false], ['AttachStderr', false],
  ['ExposedPorts', 'map'], ['Tty', false], ['OpenStdin', false], ['StdinOnce', false], ['Env', 'slice'], ['Cmd', 'slice'],
  ['Healthcheck', null], ['ArgsEscaped', false], ['Image', ''], ['Volumes', 'map'], ['WorkingDir', ''], ['Entrypoint', 'slice'],
  ['NetworkDisabled', false], ['MacAddress', ''], ['OnBuild', 'slice'], ['Labels', 'map'], ['StopSignal', ''], ['StopTimeout', null],
  ['Shell', 'slice'],
];
/** Structs whose fields are listed in full (Go order), and structs whose omitempty fields go at the end. */
const FULL: Array<[RegExp, Array<[string, Zero]>]> = [
  [/^(Config|ContainerConfig)$/, CONTAINER_CONFIG],
  [/^IPAM\.Config\[\d+\]$/, [['Subnet', ''], ['IPRange', ''], ['Gateway', ''], ['AuxAddress', 'map']]],
  [/^Mounts\[\d+\]$/, [['Type', ''], ['Name', ''], ['Source', ''], ['Destination', ''], ['Driver', ''], ['Mode', ''], ['RW', false], ['Propagation', '']]],
  [/^RootFS$/, [['Type', ''], ['Layers', 'slice'], ['BaseLayer', '']]],
];
const TRAILING: Array<[RegExp, Array<[string, Zero]>]> = [
  [/^State$/, [['Health', null]]],
  [/^HostConfig$/, [['Init', null], ['Tmpfs', 'map']]],
];
/** The top level, told apart by its keys: a container's omitempty fields, a volume's. */
const TOP: Array<[string, Array<[string, Zero]>]> = [
  ['HostConfig', [['Node', null], ['SizeRw', null], ['SizeRootFs', null]]],
  ['Mountpoint', [['Status', 'map'], ['UsageData', null]]],
];

function fields(o: Record<string, unknown>, path: string): Array<[string, unknown]> {
  const full = FULL.find(([re]) => re.test(path))?.[1];
  if (full && Object.keys(o).every((k) => full.some(([f]) => f === k))) return full.map(([k, z]) => [k, k in o ? o[k] : zero(z)]);
  const extra = path === '' ? TOP.find(([k]) => k in o)?.[1] : TRAILING.find(([re]) => re.test(path))?.[1];
  const out: Array<[string, unknown]> = Object.entries(o);
  for (const [k, z] of extra ?? []) if (!(k in o)) out.push([k, zero(z)]);
  return out;
}

let isNetwork = false;

/** `typeName`: the Go type the top level stands for, as errors name it ("types.Volume"). */
export function goView(v: unknown, typeName = 'struct'): unknown {
  // A network's Created is a time.Time; a container's and an image's are strings.
  isNetwork = v !== null && typeof v === 'object' && 'IPAM' in v && 'Created' in v;
  const top = view(v, '');
  if (top !== null && typeof top === 'object' && GO_TYPE in top) (top as Record<symbol, unknown>)[GO_TYPE] = typeName;
  return top;
}

function view(v: unknown, path: string, inMapOf?: string): unknown {
  if (v === null) {
    // A map's values keep their parent's rule: Ports' values are []PortBinding.
    const key = inMapOf !== undefined ? `${inMapOf}.*` : path;
    if (inMapOf !== undefined && /(^|\.)(Ports|PortBindings)$/.test(inMapOf)) return nilOf('slice');
    if (SLICE_KEY.test(key)) return nilOf('slice');
    if (MAP_KEY.test(key)) return nilOf('map');
    return null;
  }
  if (Array.isArray(v)) return v.map((x, i) => view(x, `${path}[${i}]`));
  if (typeof v === 'string' && (TIME_PATH.test(path) || (path === 'Created' && isNetwork))) return goTime(v);
  if (typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (MAP_KEY.test(path)) {
    const m: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) m[k] = view(x, `${path}.${k}`, path);
    return asJson(m, o);
  }
  const s: Record<string | symbol, unknown> = { [GO_TYPE]: 'struct' };
  for (const [k, x] of fields(o, path)) s[k] = x !== null && typeof x === 'object' && Object.hasOwn(x, 'toJSON') ? x : view(x, path ? `${path}.${k}` : k);
  return asJson(s, o);
}
