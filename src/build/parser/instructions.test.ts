import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidParameter } from '../../errors.js';
import { instructionsFromAst } from './instructions.js';
import type { Instruction } from './instruction-types.js';
import { parseDockerfile } from './parser.js';

const parse = (text: string): Instruction[] => instructionsFromAst(parseDockerfile(text).ast);
const first = (text: string): Instruction => parse(text)[0]!;
const fails = (text: string, message: string): void => {
  assert.throws(() => parse(text), (e: unknown) => isInvalidParameter(e) && (e as Error).message === message, message);
};

test('FROM with platform and stage name', () => {
  assert.deepEqual(
    (({ kind, image, stageName, platform, line }) => ({ kind, image, stageName, platform, line }))(
      first('FROM --platform=$BUILDPLATFORM golang:1 AS Build') as Extract<Instruction, { kind: 'from' }>),
    { kind: 'from', image: 'golang:1', stageName: 'build', platform: '$BUILDPLATFORM', line: 1 });
  fails('FROM a b', 'dockerfile parse error on line 1: FROM requires either one or three arguments');
  fails('FROM a AS 1x', 'dockerfile parse error on line 1: invalid name for build stage: "1x", name can\'t start with a number or contain symbols');
});

test('unknown instruction names the line and suggests', () => {
  fails('FROM x\n\nFORM y', 'dockerfile parse error on line 3: unknown instruction: FORM (did you mean FROM?)');
  fails('FROM x\nfoo bar', 'dockerfile parse error on line 2: unknown instruction: foo (did you mean from?)');
  fails('FROM x\nXYZZY bar', 'dockerfile parse error on line 2: unknown instruction: XYZZY');
});

test('RUN/CMD/ENTRYPOINT shell and exec forms, RUN flags and heredocs', () => {
  const [run, cmd, ep] = parse('RUN --mount=type=cache,target=/c <<EOF\necho hi\nEOF\nCMD ["a", "b"]\nENTRYPOINT echo  x') as [
    Extract<Instruction, { kind: 'run' }>, Extract<Instruction, { kind: 'cmd' }>, Extract<Instruction, { kind: 'entrypoint' }>];
  assert.deepEqual(run.command, ['<<EOF']);
  assert.equal(run.prependShell, true);
  assert.deepEqual(run.mounts, ['type=cache,target=/c']);
  assert.equal(run.heredocs[0]!.content, 'echo hi\n');
  assert.deepEqual([cmd.command, cmd.prependShell], [['a', 'b'], false]);
  assert.deepEqual(ep.command, ['echo  x']);
  // Docker 20.10's BFlags wording; its RUN knows --mount only.
  fails('RUN --mnt=x true', 'dockerfile parse error on line 1: Unknown flag: mnt');
  fails('RUN --network=none true', 'dockerfile parse error on line 1: Unknown flag: network');
  fails('RUN --mount true', 'dockerfile parse error on line 1: Missing a value on flag: mount');
});

test('COPY/ADD: flags, heredoc sources, destination checks', () => {
  const copy = first('COPY --from=b --chown=1:1 --chmod=644 a <<-EOT /dst/\n\tbody\n\tEOT\n') as
    Extract<Instruction, { kind: 'copy' }>;
  assert.deepEqual([copy.from, copy.chown, copy.chmod, copy.sources, copy.dest], ['b', '1:1', '644', ['a'], '/dst/']);
  assert.deepEqual(copy.contents, [{ path: 'EOT', data: 'body\n', expand: true }]);
  const add = first('ADD --chown=1 https://x/y.tgz /') as Extract<Instruction, { kind: 'add' }>;
  assert.deepEqual([add.chown, add.sources], ['1', ['https://x/y.tgz']]);
  fails('COPY a', 'dockerfile parse error on line 1: COPY requires at least two arguments, but only one was provided. Destination could not be determined');
  fails('COPY --link a b', 'dockerfile parse error on line 1: Unknown flag: link');
  fails('ADD --checksum=sha256:00 a b', 'dockerfile parse error on line 1: Unknown flag: checksum');
  fails('COPY --from=a --from=b a b', 'dockerfile parse error on line 1: Duplicate flag specified: from');
  fails('COPY --chown a b', 'dockerfile parse error on line 1: Missing a value on flag: chown');
});

test('ENV/LABEL pairs, ARG defaults, EXPOSE sorted, VOLUME, USER, WORKDIR, STOPSIGNAL, MAINTAINER', () => {
  const [env, legacy, label, arg, expose, vol, user, wd, sig, mt] = parse([
    'ENV A=1 B="two words"', 'ENV C three words', 'LABEL "x"=y', 'ARG N V=1 E=', 'EXPOSE 8080 80/udp',
    'VOLUME ["/a", "/b"]', 'USER app:app', 'WORKDIR /src', 'STOPSIGNAL SIGKILL', 'MAINTAINER me <me@x>',
  ].join('\n')) as Instruction[];
  assert.deepEqual(env!.kind === 'env' && env.pairs, [
    { key: 'A', value: '1', noDelim: false }, { key: 'B', value: '"two words"', noDelim: false }]);
  assert.deepEqual(legacy!.kind === 'env' && legacy.pairs, [{ key: 'C', value: 'three words', noDelim: true }]);
  assert.deepEqual(label!.kind === 'label' && label.pairs, [{ key: '"x"', value: 'y', noDelim: false }]);
  assert.deepEqual(arg!.kind === 'arg' && arg.args, [{ key: 'N' }, { key: 'V', value: '1' }, { key: 'E', value: '' }]);
  assert.deepEqual(expose!.kind === 'expose' && expose.ports, ['80/udp', '8080']);
  assert.deepEqual(vol!.kind === 'volume' && vol.volumes, ['/a', '/b']);
  assert.equal(user!.kind === 'user' && user.user, 'app:app');
  assert.equal(wd!.kind === 'workdir' && wd.path, '/src');
  assert.equal(sig!.kind === 'stopsignal' && sig.signal, 'SIGKILL');
  assert.equal(mt!.kind === 'maintainer' && mt.maintainer, 'me <me@x>');
  fails('ENV', 'dockerfile parse error on line 1: ENV requires at least one argument');
  fails('USER', 'dockerfile parse error on line 1: USER requires exactly one argument');
  fails('ARG =x', 'dockerfile parse error on line 1: ARG names can not be blank');
});

test('HEALTHCHECK: CMD-SHELL vs CMD, durations in ns, NONE, errors', () => {
  const hc = first('HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD curl -f http://x/') as
    Extract<Instruction, { kind: 'healthcheck' }>;
  assert.deepEqual([hc.test, hc.interval, hc.timeout, hc.retries, hc.startPeriod],
    [['CMD-SHELL', 'curl -f http://x/'], 90e9, 500e6, 3, 0]);
  const exec = first('HEALTHCHECK CMD ["true"]') as Extract<Instruction, { kind: 'healthcheck' }>;
  assert.deepEqual(exec.test, ['CMD', 'true']);
  assert.deepEqual((first('HEALTHCHECK NONE') as Extract<Instruction, { kind: 'healthcheck' }>).test, ['NONE']);
  fails('HEALTHCHECK NONE x', 'dockerfile parse error on line 1: HEALTHCHECK NONE takes no arguments');
  fails('HEALTHCHECK FOO x', 'dockerfile parse error on line 1: Unknown type "FOO" in HEALTHCHECK (try CMD)');
  fails('HEALTHCHECK --interval=1us CMD x', 'dockerfile parse error on line 1: Interval "interval" cannot be less than 1ms');
  fails('HEALTHCHECK --timeout=5 CMD x', 'dockerfile parse error on line 1: time: missing unit in duration "5"');
  fails('HEALTHCHECK --retries=-1 CMD x', 'dockerfile parse error on line 1: --retries cannot be negative (-1)');
  fails('HEALTHCHECK CMD', 'dockerfile parse error on line 1: Missing command after HEALTHCHECK CMD');
});

test('SHELL must be JSON; ONBUILD keeps its trigger as text and refuses chaining', () => {
  const sh = first('SHELL ["/bin/bash", "-c"]');
  assert.deepEqual(sh.kind === 'shell' && sh.shell, ['/bin/bash', '-c']);
  fails('SHELL /bin/bash -c', 'dockerfile parse error on line 1: SHELL requires the arguments to be in JSON form');
  const ob = first('ONBUILD COPY . /app');
  assert.equal(ob.kind === 'onbuild' && ob.expression, 'COPY . /app');
  fails('ONBUILD ONBUILD RUN x', 'dockerfile parse error on line 1: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  fails('ONBUILD FROM x', 'dockerfile parse error on line 1: FROM isn\'t allowed as an ONBUILD trigger');
});
