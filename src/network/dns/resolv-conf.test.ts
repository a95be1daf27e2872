// resolv.conf bytes against what dockerd 20.10 writes (cases taken side by side with it on this host, whose
// resolv.conf is "nameserver 10.255.255.53\n", and from libnetwork's filtering rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerResolvConf, filterResolvConf, upstreamServers, nameservers, searchDomains, dnsOptions } from './resolv-conf.js';

const HOST = 'nameserver 10.255.255.53\n';
const plain = { hostNetwork: false, embedded: false };
const embedded = { hostNetwork: false, embedded: true };

test('default bridge: the host file, loopback servers cut out', () => {
  assert.equal(containerResolvConf(HOST, plain), HOST);
  const host = '# generated\nsearch corp.example\nnameserver 127.0.0.53\nnameserver 10.0.0.2\noptions edns0\n';
  assert.equal(containerResolvConf(host, plain), '# generated\nsearch corp.example\nnameserver 10.0.0.2\noptions edns0\n');
});

test('only loopback servers on the host: Google\'s, appended like dockerd\'s two filtering passes leave them', () => {
  // First pass (IPv6 assumed) appends v4 and v6 servers; the second cuts the v6 lines, keeping a newline.
  assert.equal(filterResolvConf('nameserver 127.0.0.1\n'), '\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  assert.equal(filterResolvConf(''), '\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  // Only the second pass finds nothing left: v4 servers alone, no trailing newline.
  assert.equal(filterResolvConf('nameserver 127.0.0.1\nnameserver fe80::1\n'), '\nnameserver 8.8.8.8\nnameserver 8.8.4.4');
});

test('user-defined network: the embedded server and ndots:0, search and options kept', () => {
  assert.equal(containerResolvConf(HOST, embedded), 'nameserver 127.0.0.11\noptions ndots:0\n');
  assert.equal(containerResolvConf('search a b\nnameserver 10.0.0.2\noptions edns0 rotate\n', embedded), 'search a b\nnameserver 127.0.0.11\noptions edns0 rotate ndots:0\n');
});

test('--dns, --dns-search, --dns-option as dockerd builds them', () => {
  assert.equal(containerResolvConf(HOST, { ...plain, dns: ['1.1.1.1'], dnsSearch: ['x.y'] }), 'search x.y\nnameserver 1.1.1.1\n');
  assert.equal(containerResolvConf(HOST, { ...embedded, dns: ['1.1.1.1'], dnsOptions: ['attempts:2'] }), 'nameserver 127.0.0.11\noptions attempts:2 ndots:0\n');
  assert.equal(containerResolvConf(HOST, { ...embedded, dnsSearch: ['a.com'], dnsOptions: ['ndots:2'] }), 'search a.com\nnameserver 127.0.0.11\noptions ndots:2\n');
  // Only --dns-search: the host's servers are copied as they are, loopback ones included (dockerd does).
  assert.equal(containerResolvConf('nameserver 127.0.0.53\n', { ...plain, dnsSearch: ['s'] }), 'search s\nnameserver 127.0.0.53\n');
  assert.equal(containerResolvConf(HOST, { ...plain, dnsSearch: ['.'] }), 'nameserver 10.255.255.53\n');
});

test('host networking copies the host file unless options are given', () => {
  const host = '# x\nnameserver 127.0.0.53\n';
  assert.equal(containerResolvConf(host, { hostNetwork: true, embedded: false }), host);
  assert.equal(containerResolvConf(host, { hostNetwork: true, embedded: false, dns: ['9.9.9.9'] }), 'nameserver 9.9.9.9\n');
});

test('parsing: comments, last search/options line wins, IPv6 servers', () => {
  const c = 'nameserver 10.0.0.1 # main\nnameserver ::1\nnameserver 2001:db8::1\nsearch a\nsearch b c\noptions x\n#options y\n';
  assert.deepEqual(nameservers(c), ['10.0.0.1', '::1', '2001:db8::1']);
  assert.deepEqual(nameservers(c, 'ipv4'), ['10.0.0.1']);
  assert.deepEqual(searchDomains(c), ['b', 'c']);
  assert.deepEqual(dnsOptions(c), ['x']);
});

test('upstreams: host servers with loopback ones (the forwarder is in the host namespace), at most 3', () => {
  assert.deepEqual(upstreamServers('nameserver 127.0.0.53\nnameserver 10.0.0.2\n', {}), ['127.0.0.53', '10.0.0.2']);
  assert.deepEqual(upstreamServers('nameserver 1.1.1.1\nnameserver 1.1.1.2\nnameserver 1.1.1.3\nnameserver 1.1.1.4\n', {}), ['1.1.1.1', '1.1.1.2', '1.1.1.3']);
  assert.deepEqual(upstreamServers('', {}), ['8.8.8.8', '8.8.4.4']);
  assert.deepEqual(upstreamServers(HOST, { dns: ['9.9.9.9', '127.0.0.1'] }), ['9.9.9.9']);
  assert.deepEqual(upstreamServers(HOST, { dnsSearch: ['x'] }), ['10.255.255.53']);
});
