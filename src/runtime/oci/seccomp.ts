// Docker's seccomp profile format -> the OCI `linux.seccomp` object runc reads. Docker's profile is not OCI:
// its rule groups carry includes/excludes conditions (capabilities, architectures, minKernel) that the
// engine evaluates per container. This follows moby 20.10 profiles/seccomp setupSeccomp: an exclude that
// matches drops the group, every include must match, caps are tested against the bounding set.
import { InvalidParameter } from '../../errors.js';
import type { OciSeccomp, OciSeccompArg, OciSeccompSyscall } from './types.js';

interface Filter { caps?: string[] | null; arches?: string[] | null; minKernel?: string | null }
export interface DockerSeccompRule {
  names?: string[]; name?: string; action: string; errnoRet?: number; args?: OciSeccompArg[] | null;
  includes?: Filter; excludes?: Filter; comment?: string;
}
export interface DockerSeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures: string[] | null }[];
  syscalls?: DockerSeccompRule[];
}

/** Go's GOARCH-style names (as the profile's `arches` use them) for node's process.arch. */
const NODE_TO_NATIVE: Record<string, string> = {
  x64: 'amd64', ia32: 'x86', arm: 'arm', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64',
  mips64el: 'mips64le', mipsel: 'mipsle', loong64: 'loong64',
};
const NATIVE_TO_SECCOMP: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', x86: 'SCMP_ARCH_X86', arm: 'SCMP_ARCH_ARM', arm64: 'SCMP_ARCH_AARCH64',
  ppc64le: 'SCMP_ARCH_PPC64LE', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64',
  mips64le: 'SCMP_ARCH_MIPSEL64', mipsle: 'SCMP_ARCH_MIPSEL', loong64: 'SCMP_ARCH_LOONGARCH64',
};

export function nativeArch(nodeArch: string = process.arch): string {
  return NODE_TO_NATIVE[nodeArch] ?? nodeArch;
}

export interface SeccompContext {
  /** The container's bounding capability set, CAP_-prefixed. */
  caps: readonly string[];
  /** Native arch name ("amd64"); see nativeArch(). */
  arch: string;
  /** Host kernel release, e.g. "6.1.0-18-amd64" (os.release()). */
  kernel: string;
}

/** "5.10.0-foo" >= "4.8" compares major then minor, like moby's kernelGreaterEqualThan. */
export function kernelAtLeast(release: string, min: string): boolean {
  const [a1 = 0, a2 = 0] = release.split(/[.-]/).map((s) => Number.parseInt(s, 10) || 0);
  const [b1 = 0, b2 = 0] = min.split('.').map((s) => Number.parseInt(s, 10) || 0);
  return a1 !== b1 ? a1 > b1 : a2 >= b2;
}

function applies(rule: DockerSeccompRule, ctx: SeccompContext): boolean {
  const ex = rule.excludes ?? {}, inc = rule.includes ?? {};
  if (ex.arches?.includes(ctx.arch)) return false;
  if (ex.caps?.some((c) => ctx.caps.includes(c))) return false;
  if (ex.minKernel && kernelAtLeast(ctx.kernel, ex.minKernel)) return false;
  if (inc.arches?.length && !inc.arches.includes(ctx.arch)) return false;
  if (inc.caps?.some((c) => !ctx.caps.includes(c))) return false;
  if (inc.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel)) return false;
  return true;
}

function toOciRule(rule: DockerSeccompRule): OciSeccompSyscall {
  const names = rule.names ?? (rule.name ? [rule.name] : []);
  const out: OciSeccompSyscall = { names, action: rule.action };
  if (rule.errnoRet !== undefined) out.errnoRet = rule.errnoRet;
  // Go's omitempty drops valueTwo: 0, so Docker's config.json never shows it.
  if (rule.args?.length) out.args = rule.args.map((a) => ({ index: a.index, value: a.value, ...(a.valueTwo ? { valueTwo: a.valueTwo } : {}), op: a.op }));
  return out;
}

/** Evaluates a Docker profile for one container; throws InvalidParameter like Docker on a malformed one. */
export function convertSeccompProfile(profile: DockerSeccompProfile, ctx: SeccompContext): OciSeccomp {
  if (profile.architectures?.length && profile.archMap?.length) {
    throw new InvalidParameter("'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'");
  }
  const out: OciSeccomp = { defaultAction: profile.defaultAction };
  if (profile.defaultErrnoRet !== undefined) out.defaultErrnoRet = profile.defaultErrnoRet;
  const seccompArch = NATIVE_TO_SECCOMP[ctx.arch];
  let arches = profile.architectures ?? [];
  for (const m of profile.archMap ?? []) {
    if (m.architecture === seccompArch) arches = [m.architecture, ...(m.subArchitectures ?? [])];
  }
  if (arches.length) out.architectures = arches;
  out.syscalls = (profile.syscalls ?? []).filter((r) => applies(r, ctx)).map(toOciRule);
  return out;
}

/** Parses a profile given with --security-opt seccomp=<json> (the CLI sends the file's content). */
export function parseSeccompProfile(json: string): DockerSeccompProfile {
  try {
    const p = JSON.parse(json) as DockerSeccompProfile;
    if (typeof p?.defaultAction !== 'string') throw new Error('missing defaultAction');
    return p;
  } catch (err) {
    throw new InvalidParameter(`Decoding seccomp profile failed: ${(err as Error).message}`);
  }
}
