import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagError, FlagSet, type FlagSpec } from './flags.js';
import { CREATE_FLAGS, RUN_ONLY_FLAGS, buildCreateBody, parseNanoCpus } from './commands/container/create-options.js';

const specs: FlagSpec[] = [
  { name: 'detach', short: 'd', type: 'bool', usage: '' },
  { name: 'interactive', short: 'i', type: 'bool', usage: '' },
  { name: 'tty', short: 't', type: 'bool', usage: '' },
  { name: 'name', type: 'string', usage: '' },
  { name: 'env', short: 'e', type: 'list', usage: '' },
  { name: 'last', short: 'n', type: 'int', usage: '' },
];

test('long, short, bundled and = forms', () => {
  const r = new FlagSet(specs).parse(['-it', '--name', 'x', '-e', 'A=B', '-eC=D', '-e=E', '--env=F=G', 'img', '-d']);
  assert.deepEqual(r.flags, { interactive: true, tty: true, name: 'x', env: ['A=B', 'C=D', 'E', 'F=G'], detach: true });
  assert.deepEqual(r.args, ['img']);
});

test('non-interspersed stops at the first positional; -- ends flags', () => {
  const fs = new FlagSet(specs, false);
  assert.deepEqual(fs.parse(['-d', 'img', 'ls', '-la']).args, ['img', 'ls', '-la']);
  assert.deepEqual(fs.parse(['--', '-d']).args, ['-d']);
});

test('pflag error messages', () => {
  const fs = new FlagSet(specs);
  assert.throws(() => fs.parse(['--foo']), new FlagError('unknown flag: --foo'));
  assert.throws(() => fs.parse(['-dx']), new FlagError("unknown shorthand flag: 'x' in -x"));
  assert.throws(() => fs.parse(['--name']), new FlagError('flag needs an argument: --name'));
  assert.throws(() => fs.parse(['-e']), new FlagError("flag needs an argument: 'e' in -e"));
  assert.throws(() => fs.parse(['-n', 'x']), new FlagError('invalid argument "x" for "-n, --last" flag: strconv.ParseInt: parsing "x": invalid syntax'));
  assert.throws(() => fs.parse(['--detach=x']), new FlagError('invalid argument "x" for "-d, --detach" flag: strconv.ParseBool: parsing "x": invalid syntax'));
});

test('help flag and usages layout', () => {
  assert.equal(new FlagSet(specs).parse(['--help']).help, true);
  const u = new FlagSet([{ name: 'all', short: 'a', type: 'bool', usage: 'Show all' }, { name: 'format', type: 'string', usage: 'Pretty-print' }]).usages();
  assert.equal(u, '  -a, --all             Show all\n      --format string   Pretty-print\n');
});

test('run flags translate to the create body', () => {
  const fs = new FlagSet([...CREATE_FLAGS, ...RUN_ONLY_FLAGS], false, false);
  const { flags, args } = fs.parse(['-m', '512m', '--cpus', '1.5', '-e', 'A=b', '--pids-limit', '10', '-p', '8080:80', '--restart', 'on-failure:3', '--rm=false', 'img', 'sh']);
  const body = buildCreateBody(flags, args[0]!, args.slice(1), {});
  assert.equal(body.HostConfig.Memory, 536870912);
  assert.equal(body.HostConfig.NanoCpus, 1500000000);
  assert.deepEqual(body.Env, ['A=b']);
  assert.equal(body.HostConfig.PidsLimit, 10);
  assert.deepEqual(body.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {} });
  assert.deepEqual(body.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.deepEqual(body.Cmd, ['sh']);
  assert.equal(body.AttachStdout, true);
});

test('create body conflicts and -d', () => {
  const fs = new FlagSet([...CREATE_FLAGS, ...RUN_ONLY_FLAGS], false, false);
  const p = (argv: string[], detach = false) => { const r = fs.parse(argv); return buildCreateBody(r.flags, r.args[0]!, r.args.slice(1), { HOME: '/root' }, detach); };
  assert.throws(() => p(['--rm', '--restart', 'always', 'img']), /Conflicting options: --restart and --rm/);
  const d = p(['-i', '-e', 'HOME', 'img'], true);
  assert.equal(d.AttachStdin, false);
  assert.deepEqual(d.Env, ['HOME=/root']);
  assert.equal(p(['-i', 'img']).StdinOnce, true);
  assert.throws(() => parseNanoCpus('abc'), /failed to parse abc as a rational number/);
});
