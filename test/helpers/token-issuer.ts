// A token server for the registry's Bearer flow, run as its own process by TestRegistry:
//   node token-issuer.js <dir with token.key, token.crt, users.json> <service>
// GET /token?service=&scope=... with optional basic credentials answers {token, access_token, expires_in}:
// an RS256 JWT whose x5c certificate the registry trusts (rootcertbundle). Anonymous requests get tokens
// without actions (the registry then answers 401 to them); bad credentials get 401 {"details"}.
import { createSign, randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [dir, service] = process.argv.slice(2) as [string, string];
const key = readFileSync(join(dir, 'token.key'), 'utf8');
const pem = readFileSync(join(dir, 'token.crt'), 'utf8');
const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const users = JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8')) as Record<string, string>;
const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

function sign(sub: string, access: unknown[]): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] };
  const claims = { iss: 'wharf-test-issuer', sub, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(createSign('RSA-SHA256').update(input).sign(key))}`;
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  let user = '';
  const h = req.headers.authorization ?? '';
  if (h.startsWith('Basic ')) {
    const s = Buffer.from(h.slice(6), 'base64').toString();
    const i = s.indexOf(':');
    const [u, p] = [s.slice(0, i), s.slice(i + 1)];
    if (users[u] !== p) { res.writeHead(401, { 'Content-Type': 'application/json' }); res.end('{"details":"invalid credentials"}'); return; }
    user = u;
  }
  const access = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean).map((s) => {
    const [type, name, actions] = s.split(':') as [string, string, string];
    return { type, name, actions: user ? actions.split(',') : [] };
  });
  const token = sign(user, access);
  appendFileSync(join(dir, 'issued'), `${user || '-'} ${url.searchParams.getAll('scope').join(' ')}\n`);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
