// Expected tables come from Docker 20.10 (`/usr/bin/docker ps -a --format 'table ...' | cat -A`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, TabWriter } from './index.js';

const headers = { ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE' };
const rows = [{ ID: 'a908adfa1cfd', Names: () => 'lead-ref', Image: 'lead-bb:latest' }];

test('table formats print a header and align like docker ps', () => {
  assert.equal(formatTable('table {{.ID}}\\t{{.Names}}\\t{{.Image}}', rows, headers),
    'CONTAINER ID   NAMES      IMAGE\na908adfa1cfd   lead-ref   lead-bb:latest\n');
  assert.equal(formatTable('table {{.Names}}\\t{{.ID}}', rows, headers), 'NAMES      CONTAINER ID\nlead-ref   a908adfa1cfd\n');
  assert.equal(formatTable('table {{.Names}}', rows, headers), 'NAMES\nlead-ref\n');
});

test('non-table formats print one line per row without a header', () => {
  assert.equal(formatTable('{{.ID}}: {{.Names}}', [...rows, ...rows], headers), 'a908adfa1cfd: lead-ref\na908adfa1cfd: lead-ref\n');
  assert.equal(formatTable('{{.ID}}', [], headers), '');
});

test('header functions leave column names intact and header errors are ignored', () => {
  assert.equal(formatTable('table {{upper .Names}}\t{{json .ID}}', rows, headers), 'NAMES      CONTAINER ID\nLEAD-REF   "a908adfa1cfd"\n');
  // SubHeaderContext.Label: the header of {{.Label "com.x-y"}} is the last dotted part, - and _ as spaces.
  const labelled = [{ ...rows[0], Label: (k: string) => (k === 'x' ? '' : 'v') }];
  assert.equal(formatTable('table {{.Names}}\t{{.Label "x"}}\t{{.ID}}', labelled, headers), 'NAMES      x         CONTAINER ID\nlead-ref             a908adfa1cfd\n');
  assert.equal(formatTable('table {{.Label "com.my-key_x"}}', labelled, headers), 'my key x\nv\n');
  // A failing header renders up to the error, as docker ignores the header's Execute error.
  assert.equal(formatTable('table {{.ID}}\t{{.Nope}}', [], { ID: 'CONTAINER ID' }), 'CONTAINER ID   <no value>\n');
});

test('TabWriter follows Go: trailing cell unaligned, blocks broken by tab-less lines', () => {
  const tw = new TabWriter({ minwidth: 0, tabwidth: 8, padding: 1, padchar: '.' });
  tw.write('a\tbbb\tc\naaaa\tb\tdd\nnotab\nx\ty\n');
  assert.equal(tw.flush(), 'a....bbb.c\naaaa.b...dd\nnotab\nx.y\n');
  const right = new TabWriter({ minwidth: 0, padding: 1, padchar: ' ', alignRight: true });
  right.write('1\t22\t\n333\t4\t\n');
  assert.equal(right.flush(), '   1 22\n 333  4\n');
  const dbg = new TabWriter({ minwidth: 0, padding: 0, padchar: ' ', debug: true });
  dbg.write('a\tb\tc\n');
  assert.equal(dbg.flush(), 'a|b|c\n');
});
