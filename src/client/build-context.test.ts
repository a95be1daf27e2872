import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { buildContextTar } from './build-context.js';

async function viaWriteTo(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  // A slow consumer: every buffer is copied when written, and callbacks come late.
  const sink = new Writable({ highWaterMark: 1, write(c: Buffer, _e, cb) { parts.push(Buffer.from(c)); setImmediate(cb); } });
  const t = await buildContextTar(dir, { dockerfileRel: 'Dockerfile' });
  await t.stream.writeTo(sink);
  await new Promise((r) => sink.on('finish', r));
  return Buffer.concat(parts);
}

test('context tar: writeTo (reused buffers) sends the same bytes as the Readable, headers as docker\'s client writes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-tar-'));
  try {
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY src/ /\n');
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, 'src', `f${i}`), Buffer.alloc(3000 + i * 37, i));
    writeFileSync(join(dir, 'src', 'empty'), '');
    writeFileSync(join(dir, 'src', 'big'), Buffer.alloc(3 << 20, 7));
    const a = await viaWriteTo(dir);
    const b = Buffer.concat(await (await buildContextTar(dir, { dockerfileRel: 'Dockerfile' })).stream.toArray());
    assert.equal(a.equals(b), true);
    // The Dockerfile's header, field by field (uid/gid 0, mode with the file-type bits, ustar magic).
    assert.equal(a.toString('latin1', 0, 10), 'Dockerfile');
    assert.equal(a.toString('latin1', 100, 148), '0100644\x000000000\x000000000\x0000000000031\x00' + a.toString('latin1', 136, 148));
    assert.equal(a.toString('latin1', 156, 157), '0');
    assert.equal(a.toString('latin1', 257, 265), 'ustar\x0000');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : a[i]!;
    assert.equal(a.toString('latin1', 148, 156), `${sum.toString(8).padStart(6, '0')}\x00 `);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
