// Byte-exact JSON the way Go's encoding/json writes it, so configs wharf creates hash like Docker's (an
// image ID is the sha256 of the config bytes): HTML-safe escapes and Go's struct field order.

/** JSON.stringify plus Go's escaping of <, >, & and U+2028/2029. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go's json.Marshal of a map: keys sorted. */
export function sortedKeys(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(obj).sort()) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

type Field = [name: string, omitEmpty: boolean, zero: unknown];
// api/types/container.Config, in declaration order (Docker 20.10).
const CONTAINER_CONFIG: Field[] = [
  ['Hostname', false, ''], ['Domainname', false, ''], ['User', false, ''], ['AttachStdin', false, false],
  ['AttachStdout', false, false], ['AttachStderr', false, false], ['ExposedPorts', true, undefined], ['Tty', false, false],
  ['OpenStdin', false, false], ['StdinOnce', false, false], ['Env', false, null], ['Cmd', false, null],
  ['Healthcheck', true, undefined], ['ArgsEscaped', true, undefined], ['Image', false, ''], ['Volumes', false, null],
  ['WorkingDir', false, ''], ['Entrypoint', false, null], ['NetworkDisabled', true, undefined], ['MacAddress', true, undefined],
  ['OnBuild', false, null], ['Labels', false, null], ['StopSignal', true, undefined], ['StopTimeout', true, undefined],
  ['Shell', true, undefined],
];

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === false || v === '' || v === 0 ||
  (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && Object.keys(v as object).length === 0);

/** A container.Config as Go marshals it (all non-omitempty fields present, in struct order). */
export function goContainerConfig(cfg: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const src = cfg ?? {};
  const out: Record<string, unknown> = {};
  for (const [name, omit, zero] of CONTAINER_CONFIG) {
    const v = src[name];
    if (omit) { if (!isEmpty(v)) out[name] = v; continue; }
    out[name] = v === undefined ? zero : v;
  }
  return out;
}

/** time.Now().UTC() formatted RFC3339Nano (nanoseconds, trailing zeros trimmed), as Docker stamps configs. */
export function nowRfc3339Nano(): string {
  const ms = Date.now();
  const sub = Number(process.hrtime.bigint() % 1_000_000n);
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const frac = `${iso.slice(20, 23)}${String(sub).padStart(6, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}
