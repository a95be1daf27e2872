import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { ContextIndex } from './context-index.js';
import { ContextFS } from './src-fs.js';
import { copySelector, receiveContext } from './context.js';

async function tarOf(entries: Array<[Partial<tar.Header> & { name: string }, string?]>): Promise<Readable> {
  const pack = tar.pack();
  for (const [h, body] of entries) pack.entry(h, body ?? '');
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const c of pack) parts.push(c as Buffer);
  const buf = Buffer.concat(parts);
  // tar-stream drops the file-type bits from modes; docker 20.10's client keeps them (Go 1.8's FileInfoHeader).
  for (let off = 0; off < buf.length; off += 512) {
    if (buf.toString('latin1', off, off + 2) !== 'g\0') continue;
    buf.write('0100644\0', off + 100, 8, 'latin1');
    buf.write('        ', off + 148, 8, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += buf[off + i]!;
    buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, off + 148, 8, 'latin1');
  }
  return Readable.from([buf]);
}

test('context index: names, long names, links, and dockerd\'s checksums', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-index-'));
  try {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    const ix = await ContextIndex.receive(join(dir, 'c.tar'), { rest: await tarOf([
      [{ name: 'f', mode: 0o644, uid: 0, gid: 0, mtime: new Date(1e12), type: 'file' }, 'data'],
      [{ name: 'g', mode: 0o644, uid: 0, gid: 0, mtime: new Date(2e12), type: 'file' }, 'data'],
      [{ name: 'src/', mode: 0o40755, type: 'directory', mtime: new Date(1e12) }],
      [{ name: 'src/a', mode: 0o100600, type: 'file', mtime: new Date(1e12) }, 'a'.repeat(70000)],
      [{ name: long, mode: 0o100644, type: 'file', mtime: new Date(1e12) }, 'x'],
      [{ name: 'ln', type: 'symlink', linkname: '../../src/a', mode: 0o120777 }],
      [{ name: 'hard', type: 'link', linkname: 'f', mode: 0o100644 }],
    ]) });
    assert.equal(ix.get('src')?.kind, 'dir');
    assert.equal(ix.get(long)?.size, 1);
    assert.equal(ix.get(`${'d'.repeat(120)}`)?.implied, true);
    assert.deepEqual(ix.list('src'), ['a']);
    assert.equal(ix.resolve('ln'), 'src/a');
    assert.equal(ix.readText(ix.get('hard')!), 'data');
    const fs = new ContextFS(ix);
    // What dockerd 20.10 prints as `COPY file:<sum> in /f` for a 0644 file "data" named f, sent by docker
    // 20.10's client (mode with type bits), and by docker 28's (without).
    assert.equal(ix.get('g')?.mode, 0o100644);
    ix.get('g')!.rawName = 'f';
    assert.equal(await fs.hashFile('g'), '030da6055998a07f3300a8682accee5d430e34c8f563264f3bae7aaecfaff349');
    assert.equal(await fs.hashFile('f'), 'bd17ceeaa7c8e14f9fba080e6c5899caea71ae6638493f2775cb497dd829ea80');
    const a: Buffer[] = [];
    await ix.content(ix.get('src/a')!, (b) => a.push(Buffer.from(b)));
    assert.equal(Buffer.concat(a).toString(), 'a'.repeat(70000));
    assert.match(await fs.hashDir('src'), /^[0-9a-f]{64}$/);
    ix.remove('src');
    assert.equal(ix.get('src/a'), undefined);
    ix.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('context index: sums taken while the tar streams in (any chunking) equal the ones taken afterwards', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-index-'));
  try {
    const entries: Array<[Partial<tar.Header> & { name: string }, string?]> = [
      [{ name: 'Dockerfile', mode: 0o100644, type: 'file' }, 'FROM scratch\nCOPY src/ /x/\nCOPY one.txt /\n'],
      [{ name: 'early.txt', mode: 0o100644, type: 'file' }, 'e'],
      [{ name: 'one.txt', mode: 0o100644, type: 'file' }, '1'],
      [{ name: 'other', mode: 0o100644, type: 'file' }, 'o'.repeat(3000)],
      [{ name: 'src/', mode: 0o40755, type: 'directory' }],
      [{ name: 'src/a', mode: 0o100600, type: 'file' }, 'a'.repeat(70000)],
      [{ name: 'src/e', mode: 0o100600, type: 'file' }, ''],
      [{ name: `src/${'l'.repeat(150)}`, mode: 0o100644, type: 'file', pax: { 'SCHILY.xattr.user.k': 'v' } }, 'long'],
    ];
    const whole = await (await tarOf(entries)).toArray().then((c) => Buffer.concat(c as Buffer[]));
    const lazy = await ContextIndex.receive(join(dir, 'lazy.tar'), { rest: Readable.from([whole]) });
    await lazy.sums([...lazy.entries.values()]);
    for (const size of [1, 100, 512, 4096, 65536]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size));
      const ix = await ContextIndex.receive(join(dir, `eager-${size}.tar`), { head: chunks[0], rest: Readable.from(chunks.slice(1)), dockerfile: { name: 'Dockerfile', select: copySelector } });
      // Only files under a COPY source, after the Dockerfile, are summed as they pass.
      assert.deepEqual([...ix.entries.values()].filter((e) => e.sum !== undefined).map((e) => e.name).sort(), ['one.txt', 'src/a', 'src/e', `src/${'l'.repeat(150)}`]);
      await ix.sums([...ix.entries.values()]);
      for (const [name, e] of lazy.entries) assert.equal(ix.get(name)?.sum, e.sum, `${name} (chunks of ${size})`);
      assert.equal(readFileSync(join(dir, `eager-${size}.tar`)).equals(whole), true);
      ix.close();
    }
    lazy.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('copySelector: the literal prefix of each COPY/ADD source; variables select everything', () => {
  const sel = copySelector('FROM a\nCOPY src/ /app/\nADD lib/*.js /x/\nCOPY --from=b /etc /etc\nADD http://h/x /y\nCOPY ./sub/c?t.txt /\n')!;
  assert.equal(sel('src/a'), true);
  assert.equal(sel('src'), true);
  assert.equal(sel('srcx/a'), false);
  assert.equal(sel('lib/a.js'), true);
  assert.equal(sel('etc/passwd'), false);
  assert.equal(sel('sub/cat.txt'), true);
  assert.equal(copySelector('FROM a\nCOPY *.txt /\n')!('x/y'), true);
  assert.equal(copySelector('FROM a\nARG D=src\nCOPY $D /x\n')!('anything'), true);
  assert.equal(copySelector('FROM a\nCOPY . /x\n')!('anything'), true);
  assert.equal(copySelector('FROM a\nRUN true\n'), undefined);
  assert.equal(copySelector('FROM a\nNOTANINSTRUCTION x\n'), undefined);
});

test('receiveContext: plain tars in one chunk or many, gzip-compressed ones, and an empty body', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-recv-'));
  try {
    const whole = await (await tarOf([[{ name: 'Dockerfile', mode: 0o100644, type: 'file' }, 'FROM scratch\n'], [{ name: 'a', mode: 0o100644, type: 'file' }, 'x']])).toArray().then((c) => Buffer.concat(c as Buffer[]));
    for (const body of [Readable.from([whole]), Readable.from([whole.subarray(0, 3), whole.subarray(3)]), Readable.from([gzipSync(whole)])]) {
      const ctx = await receiveContext(join(dir, 'tmp'), body, '');
      assert.equal(ctx.dockerfileText, 'FROM scratch\n');
      assert.deepEqual(ctx.index.list(''), ['Dockerfile', 'a']);
      await ctx.close();
    }
    await assert.rejects(receiveContext(join(dir, 'tmp'), Readable.from([]), ''), /Cannot locate specified Dockerfile: Dockerfile/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
