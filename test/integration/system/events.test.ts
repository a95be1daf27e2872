// docker events against a real wharfd: a `run --rm` and image tag/untag/import appear in Docker's line
// format and as `{{json .}}`, bounded by --since/--until. Sequences were checked against dockerd 20.10
// (network connect/disconnect included).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestDaemon, ok, skipUnlessRoot } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-events');
const now = () => (Date.now() / 1000).toFixed(3);
const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}(?:Z|[+-]\\d\\d:\\d\\d)';

before(async () => { if (!skipUnlessRoot) await d.start(); });
after(async () => { if (!skipUnlessRoot) await d.cleanup(); });

test('container and image events in docker\'s line format and as JSON', { skip: skipUnlessRoot }, async () => {
  const since = now();
  const imageId = d.importBusybox('evbox:latest');
  const id = ok(d.wharf(['create', '--name', 'ev-x', '-l', 'zz=1', '-l', 'aa=2', 'evbox'])).trim();
  ok(d.wharf(['rm', 'ev-x']));
  ok(d.wharf(['run', '--rm', '--name', 'ev-run', '-l', 'zz=1', '-l', 'aa=2', 'evbox', 'true']));
  ok(d.wharf(['tag', 'evbox', 'evbox:two']));
  ok(d.wharf(['rmi', 'evbox:two']));
  await new Promise((r) => setTimeout(r, 300));
  const until = now();
  const lines = ok(d.wharf(['events', '--since', since, '--until', until, '--filter', 'type=container'])).split('\n').filter(Boolean);
  const runLines = lines.filter((l) => l.includes('name=ev-run'));
  const actions = runLines.map((l) => l.split(' ')[2]);
  assert.deepEqual(actions, ['create', 'attach', 'start', 'die', 'destroy']);
  const runId = runLines[0]!.split(' ')[3]!;
  assert.match(runLines[0]!, new RegExp(`^${TIME} container create ${runId} \\(aa=2, image=evbox, name=ev-run, zz=1\\)$`));
  assert.match(runLines[3]!, new RegExp(`^${TIME} container die ${runId} \\(aa=2, exitCode=0, image=evbox, name=ev-run, zz=1\\)$`));
  assert.ok(lines.some((l) => l.includes(`container create ${id}`)));
  assert.ok(lines.every((l) => l.split(' ')[1] === 'container'));

  const images = ok(d.wharf(['events', '--since', since, '--until', until, '--filter', 'type=image'])).split('\n').filter(Boolean);
  const img = images.map((l) => l.split(' ').slice(1, 3).join(' '));
  assert.ok(img.includes('image import'), images.join('\n'));
  assert.ok(images.some((l) => new RegExp(`^${TIME} image tag ${imageId} \\(name=evbox:two\\)$`).test(l)), images.join('\n'));
  assert.ok(img.includes('image untag'), images.join('\n'));

  const json = ok(d.wharf(['events', '--since', since, '--until', until, '--filter', 'container=ev-run', '--filter', 'event=start', '--format', '{{json .}}'])).trim();
  const m = JSON.parse(json) as Record<string, unknown>;
  assert.deepEqual(Object.keys(m), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  assert.equal(JSON.stringify((m.Actor as Record<string, unknown>).Attributes), '{"aa":"2","image":"evbox","name":"ev-run","zz":"1"}');
  const nano = /"timeNano":(\d+)/.exec(json)![1]!;
  // Go's field names (events.Message) beside the JSON tags, exact nanoseconds included.
  const fields = ok(d.wharf(['events', '--since', since, '--until', until, '--filter', 'container=ev-run', '--filter', 'event=start', '--format', '{{.Status}}|{{.From}}|{{.Scope}}|{{.TimeNano}}|{{.Type}}'])).trim();
  assert.equal(fields, `start|evbox|local|${nano}|container`);
  // dockerd's events ignore filter keys they do not know.
  assert.equal(ok(d.wharf(['events', '--since', since, '--until', until, '--filter', 'container=ev-run', '--filter', 'event=start', '--filter', 'bogus=1', '--format', '{{.Action}}'])), 'start\n');
  assert.equal(nano.slice(0, -9), String(m.time));
  // The line format prints the same instant's nanoseconds.
  assert.ok(runLines[2]!.includes(`.${nano.slice(-9)}`), `${runLines[2]} vs ${nano}`);
});

test('exec events carry the exec ID and dockerd\'s "entrypoint args" text', { skip: skipUnlessRoot }, async () => {
  d.importBusybox('evexec:latest');
  ok(d.wharf(['run', '-d', '--name', 'ev-exec', 'evexec', 'sleep', '60']));
  const since = now();
  assert.equal(d.wharf(['exec', 'ev-exec', 'sh', '-c', 'exit 3']).code, 3);
  ok(d.wharf(['exec', 'ev-exec', 'true']));
  await new Promise((r) => setTimeout(r, 200));
  const events = ok(d.wharf(['events', '--since', since, '--until', now(), '--filter', 'container=ev-exec', '--format', '{{json .}}']))
    .split('\n').filter(Boolean).map((l) => JSON.parse(l) as { status: string; Action: string; Actor: { Attributes: Record<string, string> } });
  assert.deepEqual(events.map((e) => e.status), [
    'exec_create: sh -c exit 3', 'exec_start: sh -c exit 3', 'exec_die',
    'exec_create: true ', 'exec_start: true ', 'exec_die',
  ]);
  const ids = events.map((e) => e.Actor.Attributes.execID);
  assert.match(ids[0]!, /^[0-9a-f]{64}$/);
  assert.deepEqual(ids, [ids[0], ids[0], ids[0], ids[3], ids[3], ids[3]]);
  assert.notEqual(ids[0], ids[3]);
  assert.deepEqual(events[2]!.Actor.Attributes, { execID: ids[0], exitCode: '3', image: 'evexec', name: 'ev-exec' });
  assert.deepEqual(events[3]!.Actor.Attributes, { execID: ids[3], image: 'evexec', name: 'ev-exec' });
  ok(d.wharf(['rm', '-f', 'ev-exec']));
});

test('run --rm and stop of an auto-remove container: dockerd 20.10\'s order, network events included', { skip: skipUnlessRoot }, async () => {
  d.importBusybox('evorder:latest');
  const since = now();
  const runId = ok(d.docker(['run', '-d', '--rm', 'evorder', 'sleep', '30'])).trim();
  ok(d.docker(['stop', '-t', '1', runId]));
  ok(d.docker(['run', '--rm', '--name', 'ev-order', 'evorder', 'true']));
  // The --rm removals finish after the clients return: wait for both (a fixed pause failed under load).
  let lines: string[] = [];
  for (const t0 = Date.now(); Date.now() - t0 < 15_000; await new Promise((r) => setTimeout(r, 200))) {
    lines = ok(d.wharf(['events', '--since', since, '--until', now(), '--format', '{{.Type}}:{{.Action}}:{{.Actor.ID}}:{{index .Actor.Attributes "container"}}']))
      .split('\n').filter(Boolean);
    if (lines.filter((l) => l.startsWith('container:destroy:')).length >= 2) break;
  }
  const of = (id: string) => lines.filter((l) => l.includes(id)).map((l) => l.split(':').slice(0, 2).join(':'));
  // As dockerd 20.10 emits them (checked with the real dockerd): the exit, then the sandbox's release, then
  // what waited for the exit (stop), then the removal.
  assert.deepEqual(of(runId), ['container:create', 'network:connect', 'container:start', 'container:kill', 'container:kill',
    'container:die', 'network:disconnect', 'container:stop', 'container:destroy']);
  const id = lines.find((l) => l.startsWith('container:create:') && !l.includes(runId))!.split(':')[2]!;
  assert.deepEqual(of(id), ['container:create', 'container:attach', 'network:connect', 'container:start', 'container:die',
    'network:disconnect', 'container:destroy']);
});
