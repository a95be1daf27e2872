// Splits a command string into words the way compose does (go-shellwords): whitespace separates words,
// single quotes are literal, double quotes allow backslash escapes, a backslash escapes the next character.
// No variables, globbing or operators: compose never runs a shell for `command: echo hi`.

export function splitWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) { words.push(cur); cur = ''; inWord = false; }
      continue;
    }
    inWord = true;
    if (c === '\\' && i + 1 < s.length) { cur += s[++i]; continue; }
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error(`invalid command line string: unterminated quote in ${s}`);
      cur += s.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`'.includes(s[j + 1]!)) j++;
        cur += s[j];
      }
      if (j >= s.length) throw new Error(`invalid command line string: unterminated quote in ${s}`);
      i = j;
      continue;
    }
    cur += c;
  }
  if (inWord) words.push(cur);
  return words;
}
