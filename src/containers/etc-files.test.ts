// /etc/hosts bytes against dockerd 20.10's (taken side by side on this host).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostsFile } from './etc-files.js';

const HEADER = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';

test('own line: hostname, or FQDN and first label', () => {
  assert.equal(hostsFile({ hostname: '27e2e166a5cd', domainname: '', networkMode: 'bridge', ips: ['172.19.0.2'] }), `${HEADER}172.19.0.2\t27e2e166a5cd\n`);
  assert.equal(hostsFile({ hostname: 'h1.sub', domainname: 'example.com', networkMode: 'n', ips: ['172.21.0.3'] }), `${HEADER}172.21.0.3\th1.sub.example.com h1\n`);
  assert.equal(hostsFile({ hostname: 'a.b', domainname: '', networkMode: 'n', ips: ['10.0.0.2'] }), `${HEADER}10.0.0.2\ta.b a\n`);
  assert.equal(hostsFile({ hostname: 'h', domainname: '', networkMode: 'n', ips: ['10.0.0.2', '10.1.0.2'] }), `${HEADER}10.0.0.2\th\n10.1.0.2\th\n`);
});

test('--add-host (host-gateway substituted), then links, then the own line', () => {
  const got = hostsFile({
    hostname: 'h1', domainname: 'example.com', networkMode: 'bridge', ips: ['172.17.0.3'], hostGateway: '172.17.0.1',
    extraHosts: ['foo:1.2.3.4', 'gw:host-gateway', 'six:::1'],
    links: [{ ip: '172.17.0.2', names: 'web lh dnsprobe-l' }, { ip: '172.17.0.2', names: 'dnsprobe-l lh' }],
  });
  assert.equal(got, `${HEADER}1.2.3.4\tfoo\n172.17.0.1\tgw\n::1\tsix\n172.17.0.2\tweb lh dnsprobe-l\n172.17.0.2\tdnsprobe-l lh\n172.17.0.3\th1.example.com h1\n`);
});

test('host networking with --add-host: header and entries, no own line', () => {
  assert.equal(hostsFile({ hostname: 'x', domainname: '', networkMode: 'host', extraHosts: ['a:1.1.1.1'] }), `${HEADER}1.1.1.1\ta\n`);
});

test('host-gateway without a default bridge is dockerd\'s error', () => {
  assert.throws(() => hostsFile({ hostname: 'x', domainname: '', networkMode: 'n', extraHosts: ['a:host-gateway'] }), /unable to derive the IP value for host-gateway/);
});
