import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInvalidParameter } from '../../errors.js';
import { resolveUser } from './user.js';

let dir: string;
let root: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wharf-user-'));
  root = join(dir, 'rootfs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:100::/:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nusers:x:100:alice\nalice:x:1000:\nstaff:x:50:alice,bob\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Expected values were read from the config.json dockerd 20.10 generated for the same passwd/group files.
test('user specs resolve like Docker', async () => {
  const cases: [string, object][] = [
    ['', { uid: 0, gid: 0, additionalGids: [0] }],
    ['alice', { uid: 1000, gid: 1000, additionalGids: [1000, 100, 50] }],
    ['bob', { uid: 1001, gid: 100, additionalGids: [100, 50] }],
    ['1000', { uid: 1000, gid: 1000, additionalGids: [1000, 100, 50] }],
    ['5000', { uid: 5000, gid: 0, additionalGids: [0] }],
    ['alice:staff', { uid: 1000, gid: 50, additionalGids: [50] }],
    ['5000:6000', { uid: 5000, gid: 6000, additionalGids: [6000] }],
    ['bob:60', { uid: 1001, gid: 60, additionalGids: [60] }],
  ];
  for (const [spec, want] of cases) assert.deepEqual(await resolveUser(root, spec), want, spec);
});

test("Docker's errors for unknown names", async () => {
  await assert.rejects(resolveUser(root, 'nosuch'), (e: Error) => isInvalidParameter(e) && e.message === 'unable to find user nosuch: no matching entries in passwd file');
  await assert.rejects(resolveUser(root, 'alice:nogroup'), (e: Error) => e.message === 'unable to find group nogroup: no matching entries in group file');
});

test('symlinks cannot escape the rootfs', async () => {
  const evil = join(dir, 'evil');
  mkdirSync(join(evil, 'etc'), { recursive: true });
  writeFileSync(join(dir, 'host-passwd'), 'mallory:x:4242:4242::/:/bin/sh\n');
  symlinkSync(join(dir, 'host-passwd'), join(evil, 'etc/passwd'));
  await assert.rejects(resolveUser(evil, 'mallory'), /unable to find user mallory/);
  const rel = join(dir, 'rel');
  mkdirSync(join(rel, 'etc'), { recursive: true });
  symlinkSync('../../../host-passwd', join(rel, 'etc/passwd'));
  await assert.rejects(resolveUser(rel, 'mallory'), /unable to find user mallory/);
});
