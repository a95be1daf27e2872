// Output formats the wharf CLI must print byte for byte as the docker 20.10 client does against the same
// wharfd: --format raw on ps/images/volume ls/network ls/system df, system df -v with a custom template,
// {{json .}} of formatter contexts (json.Marshal's HTML escaping), history's {{json .}}, and the image
// metadata times (LastTagTime in RFC3339Nano, zero for a loaded image).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TestDaemon, ok, skipUnlessRoot, type RunResult } from '../../helpers/daemon.js';

const d = new TestDaemon('wharf-fmt');
// The 20.10 client the outputs are judged against (/usr/local/bin/docker may be a newer one).
const DOCKER20 = '/usr/bin/docker';
const is20 = existsSync(DOCKER20) && /^Docker version 20\.10\./.test(spawnSync(DOCKER20, ['--version']).stdout?.toString() ?? '');
const skip = skipUnlessRoot || (is20 ? false : 'no docker 20.10 client at /usr/bin/docker');

function docker20(args: string[]): RunResult {
  const r = spawnSync(DOCKER20, args, { env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'docker-config') } });
  return { stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', code: r.status ?? -1 };
}

before(async () => {
  if (skip) return;
  await d.start();
  d.importBusybox();
  ok(d.wharf(['volume', 'create', 'fmtvol']));
  ok(d.wharf(['run', '--name', 'fmt-done', '-v', 'fmtvol:/data', 'busybox', 'sh', '-c', 'echo hi > /data/x; echo 1 > /y']));
  ok(d.wharf(['run', '-d', '--name', 'fmt-up', '--label', 'a=<b>', 'busybox', 'sleep', '600']));
});
after(async () => { if (!skip) await d.cleanup(); });

// Relative times ("3 seconds ago", "Up Less than a second") tick between two calls on a loaded machine.
const RELATIVE = /Less than a second|About an? \w+|\d+ (second|minute|hour)s?/g;
const show = (r: RunResult) => `exit ${r.code}\n${r.stdout}${r.stderr}`.replace(RELATIVE, '<T>');

/** wharf and docker print the same bytes; one retry when a relative time ("2 seconds ago") ticked in between. */
function same(args: string[]): string {
  for (let i = 0; ; i++) {
    const w = show(d.wharf(args));
    const k = show(docker20(args));
    if (w === k || i === 1) { assert.equal(w, k, `wharf ${args.join(' ')}`); return w; }
  }
}

test('--format raw prints docker/cli raw templates', { skip }, () => {
  assert.match(same(['ps', '-a', '--format', 'raw']), /^exit 0\ncontainer_id: [0-9a-f]{12}\nimage: busybox\ncommand: "sleep 600"\n[^]*labels: a=<b>\nports:\n\n/);
  same(['ps', '-a', '-s', '--format', 'raw']);
  same(['ps', '-aq', '--format', 'raw']);
  assert.match(same(['images', '--format', 'raw']), /^exit 0\nrepository: busybox\ntag: latest\nimage_id: [0-9a-f]{12}\ncreated_at: .* UTC\nvirtual_size: 1\.98MB\n\n/);
  same(['images', '-q', '--format', 'raw']);
  same(['images', '--digests', '--format', 'raw']);
  assert.equal(same(['volume', 'ls', '--format', 'raw']), 'exit 0\nname: fmtvol\ndriver: local\n\n');
  assert.equal(same(['volume', 'ls', '-q', '--format', 'raw']), 'exit 0\nname: fmtvol\n');
  // -q only changes the table and raw formats: a custom template wins.
  assert.equal(same(['volume', 'ls', '-q', '--format', '{{.Driver}}']), 'exit 0\nlocal\n');
  assert.match(same(['network', 'ls', '-q', '--format', 'raw']), /^exit 0\n(network_id: [0-9a-f]{12}\n){3}$/);
  same(['network', 'ls', '--format', 'raw']);
  assert.match(same(['system', 'df', '--format', 'raw']), /^exit 0\ntype: Images\ntotal: 1\nactive: 1\nsize: .*\nreclaimable: .*\n\ntype: Containers\n/);
});

test('system df -v runs a custom template once over all four lists', { skip }, () => {
  assert.equal(same(['system', 'df', '-v', '--format', 'hello']), 'exit 0\nhello');
  same(['system', 'df', '-v', '--format', '{{json .}}']);
  assert.match(same(['system', 'df', '-v', '--format', 'raw']), /^exit 0\ntype: Image\nrepository: busybox\ntag: latest\ndigest: \nimage_id: sha256:[0-9a-f]{64}\n[^]*type: Volume\nname: fmtvol\ndriver: local\n\n$/);
  assert.equal(same(['system', 'df', '-v', '--format', '{{range .Volumes}}{{.Name}} {{.Links}} {{.Size}}{{end}}']), 'exit 0\nfmtvol 1 3B');
  assert.equal(same(['system', 'df', '-v', '--format', '{{.Type}}']),
    'exit 1\ntemplate: :1:2: executing "" at <.Type>: can\'t evaluate field Type in type *formatter.diskUsageContext\n');
  // Without -v each row is a struct of its own type: a field it lacks is an error, not "<no value>".
  assert.equal(same(['system', 'df', '--format', '{{.Images}}']),
    'exit 1\ntemplate parsing error: template: :1:2: executing "" at <.Images>: can\'t evaluate field Images in type *formatter.diskUsageImagesContext\n');
});

test('{{json .}} escapes <, > and & as json.Marshal does; history has a JSON form', { skip }, () => {
  assert.match(same(['ps', '-a', '--no-trunc', '--format', '{{json .}}']), /"Command":"\\"sh -c 'echo hi \\u003e \/data\/x; echo 1 \\u003e \/y'\\""/);
  const hist = same(['history', '--format', '{{json .}}', 'busybox']);
  assert.match(hist, /^exit 0\n\{"Comment":"Imported from -","CreatedAt":"[^"]+","CreatedBy":"","CreatedSince":"[^"]+","ID":"[0-9a-f]{12}","Size":"1\.98MB"\}\n$/);
});

test('LastTagTime is RFC3339Nano when tagged here, zero for a loaded image', { skip }, () => {
  ok(d.wharf(['tag', 'busybox', 'fmt-tagged:1']));
  // A time.Time in the typed value: Time.String() in templates, RFC3339Nano in {{json}}.
  assert.match(same(['image', 'inspect', '-f', '{{.Metadata.LastTagTime}}', 'fmt-tagged:1']), /^exit 0\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? \+0000 UTC\n$/);
  assert.match(same(['network', 'inspect', '-f', '{{.Created}}', 'bridge']), /^exit 0\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? \+0000 UTC\n$/);
  const json = ok(d.wharf(['image', 'inspect', '-f', '{{json .Metadata}}', 'fmt-tagged:1']));
  assert.match(json, /^\{"LastTagTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z"\}\n$/);
  ok(d.wharf(['save', '-o', join(d.dir, 'fmt.tar'), 'fmt-tagged:1']));
  ok(d.wharf(['rmi', 'fmt-tagged:1']));
  ok(d.wharf(['tag', 'busybox', 'keep:1'])); // busybox stays: import a distinct image to load fresh
  ok(d.wharf(['import', '-c', 'CMD ["true"]', join(d.dir, 'fmt.tar'), 'scratchy:1']));
  ok(d.wharf(['save', '-o', join(d.dir, 'fmt2.tar'), 'scratchy:1']));
  ok(d.wharf(['rmi', 'scratchy:1']));
  assert.match(ok(d.wharf(['load', '-i', join(d.dir, 'fmt2.tar')])), /Loaded image: scratchy:1/);
  assert.equal(ok(d.wharf(['image', 'inspect', '-f', '{{json .Metadata}}', 'scratchy:1'])), '{"LastTagTime":"0001-01-01T00:00:00Z"}\n');
  ok(d.wharf(['rmi', 'scratchy:1', 'keep:1']));
});

test('create refuses an unknown capability or stop signal (a 400, before anything runs); logs of a "none" driver is a 501', { skip }, () => {
  const w = d.wharf(['run', '--rm', '--cap-add', 'BOGUS', 'busybox', 'true']);
  assert.equal(w.code, 125);
  assert.equal(w.stderr, 'wharf: Error response from daemon: invalid CapAdd: unknown capability: "CAP_BOGUS".\nSee \'wharf run --help\'.\n');
  assert.equal(same(['create', '--cap-drop', 'nope', 'busybox']), 'exit 1\nError response from daemon: invalid CapDrop: unknown capability: "CAP_NOPE"\n');
  assert.equal(same(['create', '--stop-signal', 'BOGUS', 'busybox']), 'exit 1\nError response from daemon: Invalid signal: BOGUS\n');
  ok(d.wharf(['run', '--name', 'fmt-nolog', '--log-driver', 'none', 'busybox', 'echo', 'hi']));
  assert.equal(same(['logs', 'fmt-nolog']), 'exit 1\nError response from daemon: configured logging driver does not support reading\n');
});

test('--tmpfs: a relative or root destination is refused at create, an unknown option at start', { skip }, () => {
  assert.equal(same(['create', '--tmpfs', 'relative', 'busybox']), "exit 1\nError response from daemon: invalid mount path: 'relative' mount path must be absolute\n");
  assert.equal(same(['create', '--tmpfs', '/', 'busybox']), "exit 1\nError response from daemon: invalid specification: destination can't be '/'\n");
  const r = d.wharf(['run', '--rm', '--tmpfs', '/x:bogusopt,size=1m', 'busybox', 'true']);
  assert.equal(r.stderr, 'wharf: Error response from daemon: invalid tmpfs option ["bogusopt"].\n');
  assert.equal(r.code, 125);
  assert.equal(ok(d.wharf(['run', '--rm', '--tmpfs', '/x:size=1m,mode=1777', 'busybox', 'stat', '-c', '%a', '/x'])), '1777\n');
});

test('--memory-swap below --memory, or without it, is refused at create', { skip }, () => {
  assert.equal(same(['create', '--memory', '64m', '--memory-swap', '32m', 'busybox']), 'exit 1\nError response from daemon: Minimum memoryswap limit should be larger than memory limit, see usage\n');
  assert.equal(same(['create', '--memory-swap', '32m', 'busybox']), 'exit 1\nError response from daemon: You should always set the Memory limit when using Memoryswap limit, see usage\n');
});
