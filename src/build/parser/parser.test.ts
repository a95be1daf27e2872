import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidParameter } from '../../errors.js';
import { parseHeredoc } from './heredoc.js';
import { dumpAst } from './node.js';
import { DockerfileParseError } from './parse-error.js';
import { formatWarnings, parseDockerfile } from './parser.js';

const dump = (text: string): string => dumpAst(parseDockerfile(text).ast);

test('directives only count at the top; escape=` changes continuation and escapes', () => {
  const r = parseDockerfile('# syntax=docker/dockerfile:1\n#escape = `\nFROM x\nRUN a `\n  b\n# escape=\\\n');
  assert.deepEqual(r.directives, { syntax: 'docker/dockerfile:1', escape: '`' });
  assert.equal(r.escapeToken, '`');
  assert.equal(dumpAst(r.ast), '(from "x")\n(run "a   b")');
  const late = parseDockerfile('# hello\n# escape=`\nFROM x\nRUN a \\\n b\n');
  assert.equal(late.escapeToken, '\\');
  assert.deepEqual(late.directives, {});
  assert.equal(dumpAst(late.ast), '(from "x")\n(run "a  b")');
});

test('directive errors: repeated, bad escape token', () => {
  assert.throws(() => parseDockerfile('# escape=`\n# escape=`\nFROM x\n'), /only one escape parser directive can be used/);
  assert.throws(() => parseDockerfile('# escape=x\nFROM x\n'), /invalid escape token 'x' does not match ` or \\/);
});

test('continuations skip comment and blank lines, and blank ones warn like BuildKit', () => {
  const r = parseDockerfile('FROM x\nRUN a \\\n# note\n\n  b\n');
  assert.equal(dumpAst(r.ast), '(from "x")\n(run "a   b")');
  assert.deepEqual(r.warnings, ['Empty continuation line found in: RUN a   b']);
  assert.equal(formatWarnings(r.warnings),
    '[WARNING]: Empty continuation line found in: RUN a   b\n' +
    '[WARNING]: Empty continuation lines will become errors in a future release.\n');
  assert.deepEqual(parseDockerfile('FROM x\nRUN a \\\n# only a comment\n b\n').warnings, []);
});

test('start and end lines of each instruction', () => {
  const { ast } = parseDockerfile('\n# c\nFROM x\nRUN a \\\n  b \\\n  c\n\nCMD ["x"]\r\nRUN <<EOF\nbody\nEOF\n');
  assert.deepEqual(ast.children.map((c) => [c.value, c.startLine, c.endLine]),
    [['FROM', 3, 3], ['RUN', 4, 6], ['CMD', 8, 8], ['RUN', 9, 11]]);
  assert.equal(ast.startLine, 3);
  assert.equal(ast.endLine, 11);
  assert.deepEqual(ast.children[0]!.prevComment, ['c']);
});

test('exec form vs shell form, invalid JSON falls back, non-string arrays fail', () => {
  assert.equal(dump('CMD [ "a" ,\t"b" ]'), '(cmd "a" "b")');
  assert.equal(dump("CMD ['a']"), '(cmd "[\'a\']")');
  assert.equal(dump('CMD ["a"'), '(cmd "[\\"a\\"")');
  assert.equal(dump('ENTRYPOINT ["\\u0000"]'), '(entrypoint "\\x00")');
  assert.throws(() => parseDockerfile('CMD ["a", 1]'), /arrays must be comprised of strings only/);
  assert.equal(parseDockerfile('CMD ["a"]').ast.children[0]!.attributes.json, true);
});

test('flags, ENV/LABEL forms, ARG words, HEALTHCHECK and ONBUILD shapes', () => {
  assert.equal(dump('COPY --from=build --chown="a b" -- --x /d'), '(copy ["--from=build" "--chown=a b"] "--x" "/d")');
  assert.equal(dump('ENV a=1 b="x y" c=\\"'), '(env "a" "1" "=" "b" "\\"x y\\"" "=" "c" "\\\\\\"" "=")');
  assert.equal(dump('ENV name some  value'), '(env "name" "some  value" "")');
  assert.equal(dump('ARG abc="123 456" def'), '(arg "abc=\\"123 456\\"" "def")');
  assert.equal(dump('HEALTHCHECK --interval=5s CMD ["true"]'), '(healthcheck ["--interval=5s"] "CMD" "true")');
  assert.equal(dump('HEALTHCHECK NONE'), '(healthcheck "NONE")');
  assert.equal(dump('ONBUILD RUN echo hi'), '(onbuild (run "echo hi"))');
  assert.equal(dump('FROM --platform=linux/arm64 alpine AS b'), '(from ["--platform=linux/arm64"] "alpine" "AS" "b")');
  assert.equal(dump('FORM x'), '(form "")');
  assert.throws(() => parseDockerfile('ENV a'), /ENV must have two arguments/);
  assert.throws(() => parseDockerfile('LABEL a=1 b'), /Syntax error - can't find = in "b"\. Must be of the form: name=value/);
});

test('heredocs: several per line, <<- chomping, quoted delimiters, COPY sources', () => {
  const { ast } = parseDockerfile('FROM x\nRUN <<EOF cat - && bash <<-"EOT"\na $X\nEOF\n\tb\n\tEOT\nCOPY <<A /dst\nhello\nA\n');
  const run = ast.children[1]!;
  assert.deepEqual(run.heredocs, [
    { name: 'EOF', fileDescriptor: 0, expand: true, chomp: false, content: 'a $X\n' },
    { name: 'EOT', fileDescriptor: 0, expand: false, chomp: true, content: '\tb\n' },
  ]);
  assert.equal(dumpAst(run), 'run "<<EOF cat - && bash <<-\\"EOT\\""');
  assert.deepEqual(ast.children[2]!.heredocs.map((h) => [h.name, h.content]), [['A', 'hello\n']]);
  assert.equal(ast.children[2]!.endLine, 9);
});

test('heredocs are not read for exec form or other instructions; unterminated ones fail', () => {
  assert.deepEqual(parseDockerfile('RUN ["cat", "<<EOF"]\nFROM x\n').ast.children.length, 2);
  assert.deepEqual(parseDockerfile('CMD cat <<EOF\nFROM x\n').ast.children.length, 2);
  assert.throws(() => parseDockerfile('FROM x\nRUN <<EOF\nbody\n'), (e: unknown) =>
    e instanceof DockerfileParseError && e.message === 'dockerfile parse error on line 2: unterminated heredoc' &&
    e.startLine === 2 && e.endLine === 3);
});

test('errors: empty file, comments only, bad syntax name the line', () => {
  assert.throws(() => parseDockerfile(''), { message: 'file with no instructions' });
  assert.throws(() => parseDockerfile('# just a comment\n\n'), isInvalidParameter);
  assert.throws(() => parseDockerfile('FROM x\n\nENV \\\n  a\n'), (e: unknown) =>
    e instanceof DockerfileParseError && e.startLine === 3 && e.endLine === 4 &&
    e.message === 'dockerfile parse error on line 3: ENV must have two arguments');
});

test('a trailing escaped escape does not continue; CRLF and BOM are handled', () => {
  assert.equal(dump('RUN a\\\\\nRUN b'), '(run "a\\\\\\\\")\n(run "b")');
  assert.equal(dump('\ufeffFROM x\r\nRUN a \\\r\n b\r\n'), '(from "x")\n(run "a  b")');
});

test('heredoc word recognition (cases from BuildKit TestParseHeredocHelpers)', () => {
  for (const src of ['<<EOF', "<<'EOF'", '<<"EOF"', '<<-EOF', "<<-'EOF'", '<<-"EOF"', '<<EO"F"', '<< EOF', '<<- EOF']) {
    assert.equal(parseHeredoc(src)?.name, 'EOF', src);
  }
  for (const src of ['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh']) assert.equal(parseHeredoc(src), null, src);
  for (const src of ["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"']) assert.throws(() => parseHeredoc(src), isInvalidParameter, src);
  assert.equal(parseHeredoc('<<EOF')!.expand, true);
  assert.equal(parseHeredoc('<<EO"F"')!.expand, false);
  assert.equal(parseHeredoc('2<<EOF')!.fileDescriptor, 2);
});
