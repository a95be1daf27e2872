// Image references the way Docker's distribution/reference package reads them: normalization
// (`busybox` -> `docker.io/library/busybox:latest`), the familiar form for display, and Docker's messages.
import { InvalidParameter } from '../errors.js';

export interface Reference {
  /** Fully qualified repository name: docker.io/library/busybox, localhost:5000/x/y. */
  name: string;
  tag?: string;
  /** sha256:<hex> */
  digest?: string;
}

const ALNUM = '[a-z0-9]+';
const SEP = '(?:[._]|__|[-]*)';
const COMPONENT = `${ALNUM}(?:${SEP}${ALNUM})*`;
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*`;
const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ID_RE = /^[a-f0-9]{64}$/;
export const TAG_RE = new RegExp(`^${TAG}$`);

export const INVALID_FORMAT = 'invalid reference format';

/** Docker's splitDockerDomain: the first component is a registry only if it looks like a host. */
function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let rest: string;
  if (i === -1 || (!/[.:]/.test(name.slice(0, i)) && name.slice(0, i) !== 'localhost' && name.slice(0, i).toLowerCase() === name.slice(0, i))) {
    domain = 'docker.io';
    rest = name;
  } else {
    domain = name.slice(0, i);
    rest = name.slice(i + 1);
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  return [domain, rest];
}

/** ParseNormalizedNamed: throws InvalidParameter with Docker's text. Does not add a default tag. */
export function parseReference(s: string): Reference {
  if (ID_RE.test(s)) throw new InvalidParameter(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    if (REFERENCE_RE.test(s.toLowerCase())) throw new InvalidParameter(`${INVALID_FORMAT}: repository name must be lowercase`);
    throw new InvalidParameter(INVALID_FORMAT);
  }
  const [domain, rest] = splitDomain(m[1]!);
  if (rest.toLowerCase() !== rest) throw new InvalidParameter(`${INVALID_FORMAT}: repository name must be lowercase`);
  const name = `${domain}/${rest}`;
  if (name.length > 255) throw new InvalidParameter(`${INVALID_FORMAT}: repository name must not be more than 255 characters`);
  const ref: Reference = { name };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = m[3];
  return ref;
}

/** TagNameOnly: a reference without tag or digest gets `latest`. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
}

/** FamiliarName: docker.io/library/busybox -> busybox, docker.io/x/y -> x/y. */
export function familiarName(name: string): string {
  if (!name.startsWith('docker.io/')) return name;
  const rest = name.slice('docker.io/'.length);
  return rest.startsWith('library/') && !rest.slice(8).includes('/') ? rest.slice(8) : rest;
}

/** FamiliarString: busybox:latest, localhost:5000/x:tag, name@sha256:... */
export function familiarString(ref: Reference): string {
  return `${familiarName(ref.name)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The fully qualified string, used as the key of the reference store. */
export function fullString(ref: Reference): string {
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** Normalizes anything a user typed to the key form with a default tag: `busybox` -> docker.io/library/busybox:latest. */
export function normalize(s: string): string {
  return fullString(withDefaultTag(parseReference(s)));
}
