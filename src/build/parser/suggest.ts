// BuildKit's util/suggest: offer the closest option within Levenshtein distance 2 ("did you mean ...?"),
// nothing on an exact match. Case-insensitive matching echoes the case the user typed.

function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[t.length]!;
}

function matchCase(opt: string, orig: string): string {
  if (orig === orig.toLowerCase()) return opt.toLowerCase();
  if (orig === orig.toUpperCase()) return opt.toUpperCase();
  return opt;
}

export function suggest(value: string, options: readonly string[], caseSensitive: boolean): string | undefined {
  const val = caseSensitive ? value : value.toLowerCase();
  let match: string | undefined;
  let minDist = 3;
  for (const option of options) {
    const opt = caseSensitive ? option : option.toLowerCase();
    if (val === opt) return undefined;
    const dist = levenshtein(val, opt);
    if (dist < minDist) {
      match = caseSensitive ? opt : matchCase(opt, value);
      minDist = dist;
    }
  }
  return match;
}
