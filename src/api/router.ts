// The route table's types and matcher. Patterns use dockerd's syntax: `{name}` is one path segment and
// `{name*}` may span slashes (image references such as "registry:5000/ns/app:1"); routes are tried in the
// order they are declared, as gorilla/mux does in dockerd, so fixed paths come before catch-alls.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { InvalidParameter, NotImplemented } from '../errors.js';
import type { Backend, JsonObject, RequestContext } from './backend.js';
import { decodeGoJson } from './go-json.js';
import type { Hijack } from './hijack.js';
import type { Query } from './query.js';

interface BaseRequest {
  params: Record<string, string>;
  query: Query;
  headers: IncomingHttpHeaders;
  ctx: RequestContext;
  backend: Backend;
}

export interface ApiRequest extends BaseRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** The JSON body, checked and decoded like dockerd; `required` makes an empty body an error ("EOF"). */
  json(required: boolean): Promise<JsonObject>;
  /** The raw body stream (tars for load, import, build, put archive). */
  body: Readable;
}

export interface HijackRequest extends BaseRequest {
  hijack: Hijack;
}

export type Route =
  | { kind: 'http'; method: string; pattern: string; regex: RegExp; keys: string[]; handler: (r: ApiRequest) => Promise<void> }
  | { kind: 'hijack'; method: string; pattern: string; regex: RegExp; keys: string[]; handler: (r: HijackRequest) => Promise<void> };

function compile(pattern: string): { regex: RegExp; keys: string[] } {
  const keys: string[] = [];
  const src = pattern.replace(/[.+?^$()[\]|\\]/g, '\\$&').replace(/\{([a-zA-Z]+)(\*?)\}/g, (_m, key: string, star: string) => {
    keys.push(key);
    return star ? '(.+)' : '([^/]+)';
  });
  return { regex: new RegExp(`^${src}$`), keys };
}

export function route(method: string, pattern: string, handler: (r: ApiRequest) => Promise<void>): Route {
  return { kind: 'http', method, pattern, handler, ...compile(pattern) };
}

export function hijackRoute(method: string, pattern: string, handler: (r: HijackRequest) => Promise<void>): Route {
  return { kind: 'hijack', method, pattern, handler, ...compile(pattern) };
}

export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]!); });
    return { route: r, params };
  }
  return undefined;
}

/** httputils.CheckForJSON: no Content-Type is fine only without a body; otherwise it must be JSON. */
export function checkForJson(headers: IncomingHttpHeaders, hasBody: boolean): void {
  const ct = headers['content-type'] ?? '';
  if (ct === '' && !hasBody) return;
  const mediaType = ct.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return;
  throw new InvalidParameter(`Content-Type specified (${ct}) must be 'application/json'`);
}

const MAX_JSON_BODY = 32 * 1024 * 1024;

export async function readAll(body: Readable, limit = MAX_JSON_BODY): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new InvalidParameter('request body too large');
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/** Decodes a JSON body that must be an object (dockerd decodes into structs). */
export function decodeObject(raw: Buffer, required: boolean): JsonObject {
  if (raw.length === 0 || raw.toString('utf8').trim() === '') {
    if (required) throw new InvalidParameter('EOF');
    return {};
  }
  const v = decodeGoJson(raw.toString('utf8'));
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    const t = Array.isArray(v) ? 'array' : typeof v;
    throw new InvalidParameter(`json: cannot unmarshal ${t} into Go value of type struct`);
  }
  return v as JsonObject;
}

/** For optional backend methods: absent means "not implemented yet" (501), as dockerd says for features it lacks. */
export function need<T>(fn: T | undefined, what: string): T {
  if (fn === undefined) throw new NotImplemented(`${what} is not implemented`);
  return fn;
}
