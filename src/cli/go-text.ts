// Go formatting the docker CLI leans on (strconv.Quote is units' goQuote): stringid.TruncateID, formatter.Ellipsis and
// time.Time's String/RFC3339 forms (in the CLI's local zone, as Go prints them).

/** stringid.TruncateID: drop an algorithm prefix, keep 12 characters. */
export function truncateId(id: string): string {
  const i = id.indexOf(':');
  const s = i >= 0 ? id.slice(i + 1) : id;
  return s.length > 12 ? s.slice(0, 12) : s;
}

/** formatter.Ellipsis for single-width text: cut to max-1 runes and add "…". */
export function ellipsis(s: string, max: number): string {
  if (max <= 0) return '';
  const runes = [...s];
  if (runes.length <= max) return s;
  if (max === 1) return runes[0]!;
  return `${runes.slice(0, max - 1).join('')}…`;
}

function pad(n: number, w = 2): string { return String(n).padStart(w, '0'); }

function zone(d: Date): { offset: string; colon: string; name: string } {
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const offset = `${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
  const name = off === 0 ? 'UTC' : (new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? offset);
  return { offset, colon: off === 0 ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(3)}`, name };
}

function localParts(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** time.Unix(sec, 0).String(): "2026-11-23 09:00:17 +0000 UTC". */
export function goTimeString(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const z = zone(d);
  return `${localParts(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${z.offset} ${z.name}`;
}

/** time.Time.String() of an RFC 3339 timestamp with nanoseconds: "2026-11-23 12:53:38.941860308 +0000 UTC". */
export function goTimeStringNano(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return rfc3339;
  const frac = (/\.(\d+)/.exec(rfc3339)?.[1] ?? '').replace(/0+$/, '');
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const z = zone(d);
  return `${localParts(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${frac ? `.${frac}` : ''} ${z.offset} ${z.name}`;
}

/** time.Unix(sec, 0).Format(time.RFC3339): "2026-11-23T09:00:17Z". */
export function goRfc3339(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${localParts(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone(d).colon}`;
}

/** docker 20.10 joins host and port with a plain colon, so "::" prints as ":::8080" (no brackets). */
export function joinHostPort(host: string, port: string | number): string {
  return `${host}:${port}`;
}
