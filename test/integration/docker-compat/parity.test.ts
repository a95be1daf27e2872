// The JSON wharfd returns has the shape dockerd 20.10's has for the same sequence of calls: the same keys in the
// same order (Go's struct order, which clients that print raw JSON or Go templates expose), and the same status
// and message for missing objects and conflicts. The reference bodies in test/fixtures/docker-20.10/ were recorded
// from a real dockerd 20.10.24 with test/fixtures/docker-20.10/record.mjs (see its header), and this test replays
// the very same script against a temporary wharfd, so no dockerd is needed at test time. Values that legitimately
// differ (IDs, times, pids, paths, versions, addresses from bridge networking wharf does not have yet) are not
// compared; a missing, extra or reordered key is.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestDaemon, repoRoot, skipUnlessRoot } from '../../helpers/daemon.js';

interface Resp { status: number; body: unknown }
type Recorder = { record: (socket: string, tar: Buffer) => Promise<Record<string, Resp>> };

const fixtureDir = join(repoRoot, 'test/fixtures/docker-20.10');

// Objects whose keys are data (label names, env-like maps, network names, host facts), not struct fields.
const DATA_KEYED = /(^|\.)(Labels|Networks|Ports|ExposedPorts|Volumes|Options|DriverOpts|Data|Plugins|IndexConfigs|Runtimes|Config\.Config|LogConfig\.Config|Sysctls|Details)$/;
// Responses whose values are compared too (after ID normalization): errors and delete lists.
const EXACT = /^(nf-|conflict-)/;

function kind(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** Differences in shape between dockerd's value `want` and wharf's `got`, as readable paths. */
function shapeDiff(want: unknown, got: unknown, path: string, out: string[]): void {
  const kw = kind(want), kg = kind(got);
  // null versus an empty collection is a value difference (what the request sent), not a shape one.
  if (kw === 'null' || kg === 'null') return;
  if (kw !== kg) { out.push(`${path}: ${kw} in dockerd, ${kg} in wharf`); return; }
  if (kw === 'array') {
    const a = want as unknown[], b = got as unknown[];
    if (a.length && b.length) shapeDiff(a[0], b[0], `${path}[0]`, out);
    return;
  }
  if (kw !== 'object' || DATA_KEYED.test(path)) return;
  const a = want as Record<string, unknown>, b = got as Record<string, unknown>;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.join() !== kb.join()) out.push(`${path || '.'}: keys\n    dockerd ${ka.join(',')}\n    wharf   ${kb.join(',')}`);
  for (const k of ka) if (k in b) shapeDiff(a[k], b[k], path ? `${path}.${k}` : k, out);
}

// Known, reported differences (none left; an entry turns its comparison into a TODO).
const KNOWN: Record<string, string> = {};

const normalize = (s: string): string => s.replace(/[0-9a-f]{64}/g, '<id>').replace(/\b[0-9a-f]{12}\b/g, '<short>');

describe('API responses have dockerd 20.10 shapes', { skip: skipUnlessRoot }, () => {
  const d = new TestDaemon('wharf-parity');
  let got: Record<string, Resp> = {};
  const want: Record<string, Resp> = {};

  before(async () => {
    await d.start();
    for (const f of readdirSync(fixtureDir).filter((n) => n.endsWith('.json'))) {
      want[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as Resp;
    }
    const tar = spawnSync('bash', [join(repoRoot, 'scripts/busybox-rootfs.sh')], { maxBuffer: 64 << 20 }).stdout;
    const recorder = await import(pathToFileURL(join(fixtureDir, 'record.mjs')).href) as Recorder;
    got = await recorder.record(d.socket, tar);
  });
  after(() => d.cleanup());

  it('replays every recorded step', () => {
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  });

  for (const name of readdirSync(fixtureDir).filter((n) => n.endsWith('.json')).map((n) => n.replace(/\.json$/, ''))) {
    it(name, { todo: KNOWN[name] }, () => {
      const w = want[name]!, g = got[name];
      assert.ok(g, `step ${name} did not run`);
      assert.equal(g.status, w.status, `${name}: status; body ${JSON.stringify(g.body)}`);
      if (EXACT.test(name)) {
        assert.equal(normalize(JSON.stringify(g.body)), normalize(JSON.stringify(w.body)));
        return;
      }
      const diffs: string[] = [];
      shapeDiff(w.body, g.body, '', diffs);
      assert.deepEqual(diffs, [], `${name} differs from dockerd 20.10:\n  ${diffs.join('\n  ')}`);
    });
  }
});
