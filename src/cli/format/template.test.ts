// Expected strings were produced by Docker 20.10's CLI (`/usr/bin/docker version -f ...`, go1.19 templates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, GO_TYPE, renderTemplate } from './index.js';

const version = {
  [GO_TYPE]: 'system.versionInfo',
  Server: { [GO_TYPE]: '*types.Version', Version: '20.10.24+dfsg1', Os: 'linux' },
};
const run = (t: string, data: unknown = version): string => compileTemplate(t, 'version').execute(data);
const err = (t: string, data: unknown = version): string => {
  try { run(t, data); } catch (e) { return (e as Error).message; }
  return 'no error';
};

test('fields, pipelines and docker functions render like docker version -f', () => {
  assert.equal(run('{{.Server.Version}}'), '20.10.24+dfsg1');
  assert.equal(run('{{"\\u00e9\\t" | json}}'), '"é\\t"');
  assert.equal(run('{{json "<&>"}}'), '"<&>"');
  assert.equal(run('{{print 1 2 "a" "b" 3}}|{{println 1 "a"}}|'), '1 2ab3|1 a\n|');
  assert.equal(run('{{len "é"}} {{slice "abc" 1 2}} {{index "abc" 1}}'), '2 b 98');
  assert.equal(run('{{/* c */}}a {{- " b " -}} c'), 'a b c');
  assert.equal(run("{{1.5}} {{0x10}} {{-3}} {{'a'}}"), '1.5 16 -3 97');
  assert.equal(run('{{and 1 0 2}} {{or 0 "" "x"}} {{not 0}}'), '0 x true');
  assert.equal(run('{{title "hello wORLD-foo_bar"}} {{split "a,b,c" ","}} {{join (split "a,b" ",") "+"}} {{pad "x" 1 2}}| {{truncate "abcdef" 3}}'),
    'Hello WORLD-Foo_bar [a b c] a+b  x  | abc');
  assert.equal(run('{{range $i, $e := split "a,b" ","}}{{$i}}={{$e}};{{end}}'), '0=a;1=b;');
});

test('printf follows fmt, including its bad-verb forms', () => {
  assert.equal(run('{{.Server.Version | printf "%q %5d|%-5s|%x %v %t %.2f %s"  3 "ab" "hi" .Server.Os true 3.14159 5}}'),
    "'\\x03' %!d(string=   ab)|hi   |6c696e7578 true %!t(float64=3.14159) %!f(int=05) 20.10.24+dfsg1");
  assert.equal(run('{{printf "%v|%d|%s" 1.5 1.5 1}}'), '1.5|%!d(float64=1.5)|%!s(int=1)');
  assert.equal(run('{{printf "%s %s" "a"}}'), 'a %!s(MISSING)');
  assert.equal(run('{{printf "%05.1f|%+d|%x" 3.14159 5 255}}'), '003.1|+5|ff');
});

test('Go value printing: maps sorted, slices bracketed, missing keys <no value>, null <nil>', () => {
  const data = { M: { b: 2, a: 'x', n: null, l: ['p', 1] }, Nil: null };
  assert.equal(renderTemplate('{{.M}}', data), 'map[a:x b:2 l:[p 1] n:<nil>]');
  assert.equal(renderTemplate('{{.M.zz}}|{{.M.zz.yy}}|{{.Nil}}', data), '<no value>|<no value>|<nil>');
  assert.equal(renderTemplate('{{json .M}}', data), '{"b":2,"a":"x","n":null,"l":["p",1]}');
  assert.equal(renderTemplate('{{range $k, $v := .M}}{{$k}};{{end}}', data), 'a;b;l;n;');
  assert.equal(renderTemplate('{{index .L "missing"}}|{{index .L "k"}}', { L: { k: 'v' } }), '|v');
  assert.equal(renderTemplate('{{1.5e-7}} {{0.25}}', {}), '1.5e-07 0.25');
});

test('control flow: if/else if/else, with, range/else, break, continue, variables', () => {
  const t = '{{range .}}{{if eq . 2}}{{continue}}{{else if gt . 3}}{{break}}{{else}}{{.}}{{end}},{{end}}';
  assert.equal(renderTemplate(t, [1, 2, 3, 4, 5]), '1,3,');
  assert.equal(renderTemplate('{{with .A}}[{{.}}]{{else}}none{{end}}', { A: '' }), 'none');
  assert.equal(renderTemplate('{{with .A}}[{{.}}]{{end}}', { A: 'x' }), '[x]');
  assert.equal(renderTemplate('{{range .L}}x{{else}}empty{{end}}', { L: [] }), 'empty');
  assert.equal(renderTemplate('{{$x := .A}}{{range .L}}{{$x}}{{.}}{{end}}', { A: '-', L: ['a', 'b'] }), '-a-b');
  assert.equal(renderTemplate('{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', {}), '2');
  assert.equal(renderTemplate('{{$}}', 'top'), 'top');
});

test('functions on the data act as Go methods, with arguments', () => {
  const row = { ID: 'abc', Names: () => 'web', Label: (k: string) => ({ 'com.x': 'yes' } as Record<string, string>)[k] ?? '' };
  assert.equal(renderTemplate('{{.ID}} {{.Names}} {{.Label "com.x"}}|{{.Label "nope"}}', row), 'abc web yes|');
  class ContainerContext { ID = 'abc'; Image(): string { return 'busybox'; } }
  assert.equal(renderTemplate('{{.Image}}', new ContainerContext()), 'busybox');
  assert.match(errOf('{{.Nope}}', new ContainerContext()), /can't evaluate field Nope in type \*ContainerContext$/);
});

function errOf(t: string, data: unknown): string {
  try { renderTemplate(t, data); } catch (e) { return (e as Error).message; }
  return 'no error';
}

test('parse errors carry Go messages', () => {
  assert.equal(err('{{.ID}'), "template: version:1: bad character U+007D '}'");
  assert.equal(err('{{if}}{{end}}'), 'template: version:1: missing value for if');
  assert.equal(err('{{range .Server}}'), 'template: version:1: unexpected EOF');
  assert.equal(err('{{end}}'), 'template: version:1: unexpected {{end}}');
  assert.equal(err('{{$x := 1}}{{$y}}'), 'template: version:1: undefined variable "$y"');
  assert.equal(err('{{nosuch 1}}'), 'template: version:1: function "nosuch" not defined');
  assert.equal(err('{{ } }}'), 'template: version:1: unexpected "}" in command');
});

test('exec errors carry Go messages and locations', () => {
  assert.equal(err('{{.Foo}}'), 'template: version:1:2: executing "version" at <.Foo>: can\'t evaluate field Foo in type system.versionInfo');
  assert.equal(err('x\n{{.Server.Foo}}'), 'template: version:2:9: executing "version" at <.Server.Foo>: can\'t evaluate field Foo in type *types.Version');
  assert.equal(err('{{upper 5}}'), 'template: version:1:8: executing "version" at <5>: expected string; found 5');
  assert.equal(err('{{upper .Server.Version 1}}'), 'template: version:1:2: executing "version" at <upper>: wrong number of args for upper: want 1 got 2');
  assert.equal(err('{{index .Server.Version 99}}'), 'template: version:1:2: executing "version" at <index .Server.Version 99>: error calling index: index out of range: 99');
  assert.equal(err('{{eq .Nope "a"}}'), 'template: version:1:5: executing "version" at <.Nope>: can\'t evaluate field Nope in type system.versionInfo');
  assert.equal(err('{{.Server.Version.Foo}}'), 'template: version:1:9: executing "version" at <.Server.Version.Foo>: can\'t evaluate field Foo in type string');
  assert.equal(err('{{template "x"}}'), 'template: version:1:11: executing "version" at <{{template "x"}}>: template "x" not defined');
  assert.equal(err('{{nil}}'), 'template: version:1:2: executing "version" at <nil>: nil is not a command');
});
