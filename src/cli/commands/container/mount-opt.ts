// docker/cli's opts.MountOpt: `--mount type=...,source=...,target=...` (CSV) into the API's Mount object,
// with the CLI's own error texts (they appear as `invalid argument "..." for "--mount" flag: ...`).
import { ramInBytes } from '../../../units/index.js';

export interface MountSpec {
  Type: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

/** encoding/csv's reading of one record (quotes allowed around fields). */
function csvFields(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      if (c === '"' && value[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

function parseBool(key: string, v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new Error(`invalid value for ${key}: ${v}`);
}

function setMap(map: Record<string, string>, kv: string): void {
  const i = kv.indexOf('=');
  if (i < 0) map[kv] = ''; else map[kv.slice(0, i)] = kv.slice(i + 1);
}

/** Parses one --mount value; throws Error(message) for pflag's "invalid argument" wrapper. */
export function parseMountFlag(value: string): MountSpec {
  const m: MountSpec = { Type: 'volume' };
  const volumeOptions = () => {
    m.VolumeOptions ??= {};
    m.VolumeOptions.DriverConfig ??= {};
    return m.VolumeOptions;
  };
  const bindOptions = () => (m.BindOptions ??= {});
  const tmpfsOptions = () => (m.TmpfsOptions ??= {});
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    let val: string;
    if (eq < 0) {
      if (['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'].includes(key)) val = 'true';
      else throw new Error(`invalid field '${field}' must be a key=value pair`);
    } else val = field.slice(eq + 1);
    switch (key) {
      case 'type': m.Type = val.toLowerCase(); break;
      case 'source': case 'src': m.Source = val; break;
      case 'target': case 'dst': case 'destination': m.Target = val; break;
      case 'readonly': case 'ro': m.ReadOnly = parseBool(key, val); break;
      case 'consistency': m.Consistency = val.toLowerCase(); break;
      case 'bind-propagation': bindOptions().Propagation = val.toLowerCase(); break;
      case 'bind-nonrecursive': bindOptions().NonRecursive = parseBool(key, val); break;
      case 'volume-nocopy': volumeOptions().NoCopy = parseBool(key, val); break;
      case 'volume-label': setMap(volumeOptions().Labels ??= {}, val); break;
      case 'volume-driver': volumeOptions().DriverConfig!.Name = val; break;
      case 'volume-opt': setMap(volumeOptions().DriverConfig!.Options ??= {}, val); break;
      case 'tmpfs-size': {
        let n: number;
        try { n = ramInBytes(val); } catch { throw new Error(`invalid value for ${key}: ${val}`); }
        tmpfsOptions().SizeBytes = n;
        break;
      }
      case 'tmpfs-mode': {
        if (!/^[0-7]+$/.test(val)) throw new Error(`invalid value for ${key}: ${val}`);
        tmpfsOptions().Mode = parseInt(val, 8);
        break;
      }
      default: throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (m.VolumeOptions) {
    // Go's field order in the request body: NoCopy, Labels, DriverConfig.
    const { NoCopy, Labels, DriverConfig } = m.VolumeOptions;
    m.VolumeOptions = { ...(NoCopy !== undefined ? { NoCopy } : {}), ...(Labels && Object.keys(Labels).length ? { Labels } : {}), DriverConfig };
  }
  if (!m.Type) throw new Error('type is required');
  if (!m.Target) throw new Error('target is required');
  if (m.VolumeOptions && m.Type !== 'volume') throw new Error(`cannot mix 'volume-*' options with mount type '${m.Type}'`);
  if (m.BindOptions && m.Type !== 'bind') throw new Error(`cannot mix 'bind-*' options with mount type '${m.Type}'`);
  if (m.TmpfsOptions && m.Type !== 'tmpfs') throw new Error(`cannot mix 'tmpfs-*' options with mount type '${m.Type}'`);
  return m;
}
