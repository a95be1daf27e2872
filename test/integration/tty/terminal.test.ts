// Interactive terminals through a real pseudo-terminal (tmux): `run -it` with the wharf CLI and with the
// real docker client against wharfd — a controlling terminal (job control, no "can't access tty" warning),
// the window size at start and after a resize, ^C reaching the process, exit codes, detaching with
// ^P^Q, re-attaching from two clients at once, `start -ai` and `-t` without `-i`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestDaemon, dockerClient, ok, skipUnlessRoot, wharfBin } from '../../helpers/daemon.js';
import { Tmux, hasTmux } from '../../helpers/tmux.js';

const d = new TestDaemon('wharf-tty');
const tmux = new Tmux();
const skip = skipUnlessRoot || (!hasTmux && 'tmux is not installed');
const skipDocker = skip || (!dockerClient() && 'no docker client');

const wharf = (args: string[]): [string[], Record<string, string>] =>
  [[wharfBin, ...args], { WHARF_HOST: d.host }];
const docker = (args: string[]): [string[], Record<string, string>] =>
  [[dockerClient() ?? 'docker', ...args], { DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.dir, 'docker-config') }];

before(async () => {
  if (skip) return;
  await d.start();
  d.importBusybox('busybox:latest');
});
after(async () => {
  tmux.kill();
  if (!skip) await d.cleanup();
});

/** Shell line that waits (bounded by the test's waitFor) until the terminal has the client's 80x24. */
const WAIT_SIZE = 'until [ "$(stty size 2>/dev/null)" = "24 80" ]; do sleep 0.05; done';

test('wharf run -it: job control, window size and resize, ^C, exit code', { skip }, async () => {
  const s = tmux.start(...wharf(['run', '-it', '--rm', 'busybox', 'sh']));
  await tmux.waitFor(s, /\/ # $/m);
  // The client sends the size right after start (API 1.41 has no size at create), so the shell may be up
  // before it lands, with docker as with wharf: wait for it, then look.
  tmux.line(s, `${WAIT_SIZE}; stty size; tty; sleep 30 & jobs`);
  let screen = await tmux.waitFor(s, /\[1\]\+\s+Running\s+sleep 30/);
  assert.match(screen, /^24 80$/m);
  assert.match(screen, /^\/dev\/pts\/0$/m);
  assert.doesNotMatch(screen, /can't access tty|job control turned off/);
  tmux.resize(s, 100, 30);
  await new Promise((r) => setTimeout(r, 200));
  tmux.line(s, 'stty size');
  await tmux.waitFor(s, /^30 100$/m);
  tmux.line(s, 'sleep 60');
  await tmux.waitFor(s, /# sleep 60\n/);
  await new Promise((r) => setTimeout(r, 200));
  tmux.keys(s, ['C-c']);
  tmux.line(s, 'echo rc=$?');
  await tmux.waitFor(s, /^rc=130$/m, 5000);
  tmux.line(s, 'exit 3');
  screen = await tmux.waitFor(s, /EXIT=\d+/);
  assert.match(screen, /EXIT=3/);
});

test('docker run -it, detach with ^P^Q, re-attach from wharf and docker at once', { skip: skipDocker }, async () => {
  const s = tmux.start(...docker(['run', '-it', '--name', 'multi', 'busybox', 'sh']));
  await tmux.waitFor(s, /\/ # $/m);
  tmux.line(s, `${WAIT_SIZE}; stty size; echo first`);
  await tmux.waitFor(s, /^first$/m);
  assert.match(tmux.screen(s), /^24 80$/m);
  tmux.keys(s, ['C-p', 'C-q']);
  assert.match(await tmux.waitFor(s, /EXIT=\d+/), /EXIT=0/);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Running}}', 'multi'])).trim(), 'true');

  const a = tmux.start(...wharf(['attach', 'multi']));
  const b = tmux.start(...docker(['attach', 'multi']));
  // Each attach nudges the size, which makes ash redraw its prompt: both clients are connected then.
  await tmux.waitFor(a, /\/ # $/m);
  await tmux.waitFor(b, /\/ # $/m);
  tmux.line(a, 'echo from-a');
  await tmux.waitFor(b, /^from-a$/m);
  tmux.keys(a, ['C-p', 'C-q']);
  const sa = await tmux.waitFor(a, /EXIT=\d+/);
  assert.match(sa, /read escape sequence\nEXIT=1/);
  tmux.line(b, 'exit 7');
  assert.match(await tmux.waitFor(b, /EXIT=\d+/), /EXIT=7/);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.ExitCode}}', 'multi'])).trim(), '7');
});

test('create -it then start -ai; custom --detach-keys', { skip }, async () => {
  ok(d.wharf(['create', '-it', '--name', 'later', 'busybox', 'sh']));
  const s = tmux.start(...wharf(['start', '-ai', '--detach-keys', 'ctrl-x,x', 'later']));
  await tmux.waitFor(s, /\/ # $/m);
  tmux.line(s, 'echo $((6*7))');
  await tmux.waitFor(s, /^42$/m);
  tmux.keys(s, ['C-p', 'C-q']); // not the detach keys here: ash gets them
  tmux.keys(s, ['C-x', 'x']);
  assert.match(await tmux.waitFor(s, /EXIT=\d+/), /EXIT=0/);
  assert.equal(ok(d.wharf(['inspect', '-f', '{{.State.Running}}', 'later'])).trim(), 'true');
  ok(d.wharf(['rm', '-f', 'later']));
});

test('-t without -i gets a terminal of the window size', { skip }, async () => {
  // The size arrives right after start (as with docker 20.10, whose `stty size` at once sees 0 0 too).
  const [argv, env] = wharf(['run', '-t', '--rm', 'busybox', 'sh', '-c', 'tty; sleep 0.5; stty size; exit 4']);
  const s = tmux.start(argv, env, { width: 90, height: 20 });
  const screen = await tmux.waitFor(s, /EXIT=\d+/);
  assert.match(screen, /^\/dev\/pts\/0\r?$/m);
  assert.match(screen, /^20 90\r?$/m);
  assert.match(screen, /EXIT=4/);
  // Without a local terminal the output is the raw TTY stream (CRLF from the container's terminal).
  const r = d.wharf(['run', '-t', '--rm', 'busybox', 'echo', 'hi']);
  assert.equal(r.stdout, 'hi\r\n');
});

test('exec -it from wharf and docker: a terminal of the window size that follows resizes, ^C, exit code, detach', { skip: skipDocker }, async () => {
  ok(d.wharf(['run', '-d', '--name', 'ex', 'busybox', 'sleep', '600']));
  const sessions = [tmux.start(...wharf(['exec', '-it', 'ex', 'sh'])), tmux.start(...docker(['exec', '-it', 'ex', 'sh']))];
  for (const s of sessions) await tmux.waitFor(s, /\/ # $/m);
  for (const s of sessions) tmux.line(s, 'tty; sleep 30 & jobs');
  for (const s of sessions) {
    const screen = await tmux.waitFor(s, /\[1\]\+\s+Running\s+sleep 30/);
    assert.match(screen, /^\/dev\/pts\/\d+$/m);
    assert.doesNotMatch(screen, /can't access tty|job control turned off/);
  }
  for (const s of sessions) tmux.resize(s, 101, 31);
  await new Promise((r) => setTimeout(r, 200));
  for (const s of sessions) tmux.line(s, 'stty size');
  for (const s of sessions) await tmux.waitFor(s, /^31 101$/m);
  for (const s of sessions) tmux.line(s, 'sleep 60');
  await new Promise((r) => setTimeout(r, 300));
  for (const s of sessions) { tmux.keys(s, ['C-c']); tmux.line(s, 'echo rc=$?'); }
  for (const s of sessions) await tmux.waitFor(s, /^rc=130$/m, 5000);
  tmux.line(sessions[0]!, 'exit 6');
  assert.match(await tmux.waitFor(sessions[0]!, /EXIT=\d+/), /EXIT=6/);
  tmux.keys(sessions[1]!, ['C-p', 'C-q']);
  assert.match(await tmux.waitFor(sessions[1]!, /EXIT=\d+/), /read escape sequence\nEXIT=1/);
  ok(d.wharf(['rm', '-f', 'ex']));
});
