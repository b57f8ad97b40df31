// Forwarded headers are believed only from configured proxies (issue 13, defect 3).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createFixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { clientIp, parseTrustProxy } from './client-ip.ts';

describe('the client address', () => {
  it('is the peer unless a trusted proxy forwarded the request', () => {
    const none = parseTrustProxy('');
    expect(clientIp('203.0.113.9', '1.2.3.4', none)).toBe('203.0.113.9');
    expect(clientIp('::ffff:203.0.113.9', undefined, none)).toBe('203.0.113.9');
    const hop = parseTrustProxy('1');
    // one proxy in front: the address it saw is the last one of the chain; what the client wrote is not
    expect(clientIp('10.0.0.2', 'forged, 198.51.100.7', hop)).toBe('198.51.100.7');
    expect(clientIp('10.0.0.2', undefined, hop)).toBe('10.0.0.2');
    expect(clientIp('10.0.0.2', '1.1.1.1, 2.2.2.2, 198.51.100.7', parseTrustProxy('2'))).toBe('2.2.2.2');
    const listed = parseTrustProxy('10.0.0.0/8, ::1');
    expect(clientIp('10.0.0.2', '1.1.1.1, 198.51.100.7, 10.9.9.9', listed)).toBe('198.51.100.7');
    expect(clientIp('203.0.113.9', '1.1.1.1', listed)).toBe('203.0.113.9'); // not a proxy of ours
    expect(clientIp('::1', 'not-an-ip', listed)).toBe('::1');
  });

  it('refuses a TRUST_PROXY it cannot read, naming the part', () => {
    expect(() => parseTrustProxy('0')).toThrow(/1 to 10/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/10.0.0.0\/33/);
    expect(() => parseTrustProxy('proxy.example')).toThrow(/proxy.example/);
    expect(parseTrustProxy('false')).toEqual({ kind: 'none' });
  });
});

describe('per-address limits and sign-in over HTTP', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
  });
  let n = 0;
  const phone = () => `136${String(process.pid % 10000).padStart(4, '0')}${String(n++).padStart(4, '0')}`;

  it('stores the real peer, not a rotated X-Forwarded-For, with each SMS code', async () => {
    const t = await createTestApp();
    apps.push(t);
    const f = await createFixture(t.app.db.ownerPool, 'xff');
    const c = t.client();
    for (let i = 0; i < 5; i++) {
      expect((await c.post('/api/citizen/sms-code', { tenant: f.code, phone: phone() }, { 'x-forwarded-for': `198.51.100.${i}` })).status).toBe(202);
    }
    const { rows } = await t.app.db.ownerPool.query('select distinct host(ip) as ip from sms_codes where tenant_id = $1', [f.tenantId]);
    expect(rows.map((r) => r.ip)).toEqual(['127.0.0.1']);
  });

  it('limits SMS codes per client address over every tenant together', async () => {
    // behind a trusted proxy, so that this test's address is its own (tests share 127.0.0.1)
    const t = await createTestApp({ trustProxy: parseTrustProxy('127.0.0.1'), sms: { provider: 'log', perAddressPerHour: 20 } });
    apps.push(t);
    const [a, b] = [await createFixture(t.app.db.ownerPool, 'adra'), await createFixture(t.app.db.ownerPool, 'adrb')];
    const address = `2001:db8:${randomBytes(12).toString('hex').match(/.{4}/g)!.join(':')}`;
    const from = { 'x-forwarded-for': address };
    const c = t.client();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await c.post('/api/citizen/sms-code', { tenant: (i % 2 ? a : b).code, phone: phone() }, from)).status);
    expect(statuses).toEqual(Array(20).fill(202));
    const over = await c.post('/api/citizen/sms-code', { tenant: a.code, phone: phone() }, from);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(3000);
    // another address is not affected
    expect((await c.post('/api/citizen/sms-code', { tenant: a.code, phone: phone() }, { 'x-forwarded-for': '2001:db8::1:2' })).status).toBe(202);
  });

  it('believes the header from a configured proxy, and refuses sign-in over plain HTTP in production before a code is spent', async () => {
    const t = await createTestApp({ env: 'production', trustProxy: parseTrustProxy('127.0.0.1') });
    apps.push(t);
    const f = await createFixture(t.app.db.ownerPool, 'tls');
    const c = t.client();
    const p = phone();
    // over plain HTTP (no X-Forwarded-Proto from the proxy): no code is sent, no attempt spent
    const plain = await c.post('/api/citizen/sms-code', { tenant: f.code, phone: p });
    expect([plain.status, plain.body.error.code]).toEqual([400, 'https_required']);
    const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.40' };
    expect((await c.post('/api/citizen/sms-code', { tenant: f.code, phone: p }, https)).status).toBe(202);
    const { rows } = await t.app.db.ownerPool.query('select host(ip) as ip, attempts, used_at from sms_codes where tenant_id = $1', [f.tenantId]);
    expect(rows).toEqual([{ ip: '198.51.100.40', attempts: 0, used_at: null }]);
    const code = /验证码 (\d{6})/.exec((t.app.sms as unknown as { lastMessage(p: string): string }).lastMessage(p))![1];
    const refused = await c.post('/api/citizen/login', { tenant: f.code, phone: p, code });
    expect(refused.body.error.code).toBe('https_required');
    const staff = await c.post('/api/auth/login', { username: `${f.prefix}admin`, password: 'x' });
    expect(staff.body.error.code).toBe('https_required');
    const ok = await c.post('/api/citizen/login', { tenant: f.code, phone: p, code }, https);
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie().join(';')).toMatch(/secure/i);
  });
});
