import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidParameter } from '../../errors.js';
import { ShellLex } from './shell-lex.js';
import { reversePattern, shellPatternToRegex } from './shell-pattern.js';
import { ENV_VAR_CASES, WORDS_TEST_LINES } from './testdata/shell-lex-cases.js';

const ENV = new Map([['PWD', '/home'], ['SHELL', 'bash'], ['KOREAN', '한국어'], ['NULL', '']]);

test('processWord: BuildKit envVarTest table', () => {
  const lex = new ShellLex('\\');
  for (const [input, expected] of ENV_VAR_CASES) {
    if (expected === 'error') {
      assert.throws(() => lex.processWord(input, ENV), isInvalidParameter, `input ${JSON.stringify(input)}`);
    } else {
      assert.equal(lex.processWord(input, ENV), expected, `input ${JSON.stringify(input)}`);
    }
  }
});

test('processWords: BuildKit wordsTest table', () => {
  const lex = new ShellLex('\\');
  const env = new Map<string, string>();
  for (const line of WORDS_TEST_LINES) {
    if (line.startsWith('#')) continue;
    if (line.startsWith('ENV ')) {
      const kv = line.slice(3).replace(/^ +/, '');
      const eq = kv.indexOf('=');
      env.set(kv.slice(0, eq), kv.slice(eq + 1));
      continue;
    }
    const [input, expected] = line.split('|') as [string, string];
    let got: string[];
    try {
      got = lex.processWords(input.trim(), env);
    } catch {
      got = ['error'];
    }
    assert.deepEqual(got, expected.replace(/^ +/, '').split(','), `line ${JSON.stringify(line)}`);
  }
});

test('${VAR:?msg} and ${VAR?msg}: empty vs unset, message expanded', () => {
  const lex = new ShellLex();
  const set = { VAR: 'plain', ARG: 'x' };
  const empty = { VAR: '', ARG: 'x' };
  const unset = { ARG: 'x' };
  assert.equal(lex.processWord('${VAR:?message here$ARG}', set), 'plain');
  assert.throws(() => lex.processWord('${VAR:?message here$ARG}', empty), /VAR: message herex/);
  assert.throws(() => lex.processWord('${VAR:?message here$ARG}', unset), /VAR: message herex/);
  assert.equal(lex.processWord('${VAR?message here$ARG}', empty), '');
  assert.throws(() => lex.processWord('${VAR?message here$ARG}', unset), /VAR: message herex/);
  assert.throws(() => lex.processWord('${VAR:?}', empty), { message: 'failed to process "${VAR:?}": VAR: is not allowed to be empty' });
  assert.throws(() => lex.processWord('${VAR?}', unset), { message: 'failed to process "${VAR?}": VAR: is not allowed to be unset' });
});

test('modifiers, pattern removal and replacement (cases from BuildKit lex_test)', () => {
  const lex = new ShellLex();
  const cases: Array<[string, Record<string, string>, string | null]> = [
    ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx  ccc'],
    ['${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx bbb ccc'],
    ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa bbb '],
    ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa  '],
    ['${BAR?bbb}', { BAR: '' }, ''],
    ['${BAZ?ccc}', {}, null],
    ['${FOO=aaa}', { FOO: 'xxx' }, null],
    ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x'],
    ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx'],
    ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y'],
    ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy'],
    ['${FOO##*x}', { FOO: 'xxyy' }, 'yy'],
    ['${FOO#?\\?}', { FOO: '???y' }, '?y'],
    ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.'],
    ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a'],
    ['${FOO:#}', {}, null],
    ['${FOO:%%}', {}, null],
    ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt'],
    ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt'],
    ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt'],
    ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy'],
    ['${FOO//ww}', { FOO: 'xxyy' }, null],
    ['${FOO///}', { FOO: 'xxyy' }, 'xxyy'],
    ['something-${V}.${OS}-${ARCH}${VARIANT:+-${VARIANT}}.tar.gz', { V: 'v1', OS: 'linux', ARCH: 'arm', VARIANT: 'v7' },
      'something-v1.linux-arm-v7.tar.gz'],
  ];
  for (const [input, env, expected] of cases) {
    if (expected === null) assert.throws(() => lex.processWord(input, env), isInvalidParameter, input);
    else assert.equal(lex.processWord(input, env), expected, input);
  }
});

test('processWordWithMatches reports used and missing variables', () => {
  const r = new ShellLex().processWordWithMatches('${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', { FOO: 'xxx', BAR: '' });
  assert.deepEqual([...r.matched].sort(), ['BAR', 'FOO']);
  assert.deepEqual([...r.unmatched], ['BAZ']);
});

test('backtick escape token', () => {
  const lex = new ShellLex('`');
  assert.equal(lex.processWord('C:\\path\\$X', { X: 'y' }), 'C:\\path\\y');
  assert.equal(lex.processWord('a`$X', { X: 'y' }), 'a$X');
  assert.deepEqual(lex.processWords('a` b c', {}), ['a b', 'c']);
});

test('processWords keeps text before a ${VAR:-x} in the same word', () => {
  assert.deepEqual(new ShellLex().processWords('80/${PROTO:-tcp} 443', {}), ['80/tcp', '443']);
});

test('skipUnsetEnv and rawQuotes leave unset references and quotes in place', () => {
  const lex = new ShellLex('\\', { skipUnsetEnv: true, rawQuotes: true });
  assert.equal(lex.processWord('"$A" ${B:-x} $C', { C: 'c' }), '"$A" ${B:-x} c');
});

test('error messages name the word like BuildKit', () => {
  assert.throws(() => new ShellLex().processWord('he${PWD', {}),
    { message: 'failed to process "he${PWD": unsupported modifier (\ufffd) in substitution' });
  assert.throws(() => new ShellLex().processWord('${}', {}), { message: 'failed to process "${}": syntax error: bad substitution' });
});

test('pattern helpers', () => {
  assert.equal(shellPatternToRegex('\\*', true, true).source, '^\\*');
  assert.equal(reversePattern('a\\*c'), 'c\\*a');
  assert.equal(reversePattern('ab\\'), '\\ba');
  for (const bad of ['\\', '\\x', '\\\\\\']) assert.throws(() => shellPatternToRegex(bad, true, true));
});
