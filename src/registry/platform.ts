// Platforms the way containerd's platforms package reads them ("linux/arm64/v8", "amd64"), the host's own,
// and the choice of one manifest from an index or manifest list.
import { InvalidParameter } from '../errors.js';
import type { Descriptor, Platform } from './types.js';

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function hostPlatform(): Platform {
  const architecture = GOARCH[process.arch] ?? process.arch;
  return architecture === 'arm64' ? { os: 'linux', architecture, variant: 'v8' } : { os: 'linux', architecture };
}

function normalizeArch(arch: string, variant: string | undefined): [string, string | undefined] {
  switch (arch.toLowerCase()) {
    case 'x86_64': case 'x86-64': case 'amd64': return ['amd64', variant === 'v1' ? undefined : variant];
    case 'aarch64': case 'arm64': return ['arm64', variant === '8' || variant === undefined ? 'v8' : variant];
    case 'armhf': return ['arm', 'v7'];
    case 'armel': return ['arm', 'v6'];
    case 'arm': return ['arm', variant ?? 'v7'];
    case 'i386': case '386': return ['386', variant];
    default: return [arch.toLowerCase(), variant];
  }
}

/** platforms.Parse: os[/arch[/variant]] or a bare arch for the host OS. */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p)) || parts.length > 3) {
    throw new InvalidParameter(`"${s}": unknown operating system or architecture: invalid argument`);
  }
  let os = parts[0]!.toLowerCase();
  let arch: string;
  let variant: string | undefined = parts[2];
  if (parts.length === 1) {
    if (['linux', 'windows', 'darwin', 'freebsd'].includes(os)) arch = hostPlatform().architecture;
    else { arch = os; os = 'linux'; }
  } else {
    arch = parts[1]!;
  }
  const [a, v] = normalizeArch(arch, variant);
  variant = v;
  return variant ? { os, architecture: a, variant } : { os, architecture: a };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function matches(want: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  const [a, v] = normalizeArch(have.architecture ?? '', have.variant);
  if (have.os !== want.os || a !== want.architecture) return false;
  if (want.variant === undefined || v === undefined) return true;
  // containerd's matcher for arm: v8 runs v7/v6 images, v7 runs v6.
  return v === want.variant || (a === 'arm' && v < want.variant) || (a === 'arm64' && want.variant === 'v8');
}

/** The manifest of an index for `want`, best variant first (containerd's Only + Less ordering). */
export function selectManifest(manifests: Descriptor[], want: Platform): Descriptor | undefined {
  const hits = manifests.filter((m) => matches(want, m.platform));
  if (hits.length <= 1) return hits[0];
  const exact = hits.find((m) => normalizeArch(m.platform!.architecture, m.platform!.variant)[1] === want.variant);
  return exact ?? hits.sort((x, y) => ((y.platform!.variant ?? '') < (x.platform!.variant ?? '') ? -1 : 1))[0];
}
