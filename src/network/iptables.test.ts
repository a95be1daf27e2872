import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRules } from './iptables.js';

test('the rules name only the daemon\'s own chains and never flush or delete any chain', () => {
  const text = renderRules('wt1', [{ bridge: 'wt1', subnet: '10.9.0.0/24', internal: false }, { bridge: 'br-x', subnet: '10.9.1.0/24', internal: true }],
    [{ proto: 'tcp', hostIp: '127.0.0.1', hostPort: 8080, ip: '10.9.0.2', port: 80, bridge: 'wt1' }]);
  const lines = text.split('\n').filter(Boolean);
  for (const l of lines) {
    if (l.startsWith('*') || l === 'COMMIT') continue;
    // iptables-restore --noflush flushes exactly the chains declared with ':' lines.
    assert.match(l, /^(:WHARF-(POST-)?wt1 - \[0:0\]|-A WHARF-(POST-)?wt1 )/, l);
  }
  assert.ok(!/(^| )-[FXDI] /m.test(text));
  assert.ok(lines.includes('-A WHARF-wt1 -d 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.9.0.2:80'));
  assert.ok(lines.includes('-A WHARF-POST-wt1 -s 10.9.0.0/24 ! -o wt1 -j MASQUERADE'));
  assert.ok(!lines.some((l) => l.includes('10.9.1.0/24') && l.includes('MASQUERADE')), 'an internal network gets no way out');
});
