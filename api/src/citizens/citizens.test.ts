import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { makeResidentId } from '../persons/idnumber.ts';
import { personBody } from '../test/people.ts';
import type { LogSmsProvider } from './sms.ts';

let t: TestApp;
let f: Fixture;
let n = 0;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'cit');
});
afterAll(() => t?.close());

const newPhone = () => `139${String(process.pid % 10000).padStart(4, '0')}${String(n++).padStart(4, '0')}`;
const lastCode = (phone: string) => /验证码 (\d{6})/.exec((t.app.sms as LogSmsProvider).lastMessage(phone) ?? '')?.[1];

async function signedIn(phone = newPhone(), ip?: string): Promise<Client> {
  const c = t.client();
  const headers = ip ? { 'x-forwarded-for': ip } : undefined;
  expect((await c.post('/api/citizen/sms-code', { tenant: f.code, phone }, headers)).status).toBe(202);
  const r = await c.post('/api/citizen/login', { tenant: f.code, phone, code: lastCode(phone) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return c;
}

describe('SMS sign-in', () => {
  it('signs in with a fresh code and stores neither code nor phone in clear', async () => {
    const phone = newPhone();
    const c = await signedIn(phone);
    const me = await c.get('/api/citizen/me');
    const city = (await t.app.db.ownerPool.query('select name from tenants where id = $1', [f.tenantId])).rows[0].name;
    expect(me.body).toMatchObject({ tenant: f.code, cityName: city, phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, personId: null });
    const rows = await t.app.db.ownerPool.query('select c.*, s.code_hash from citizens c, sms_codes s where c.tenant_id = $1 and s.tenant_id = $1', [f.tenantId]);
    expect(JSON.stringify(rows.rows)).not.toContain(phone);
    expect(JSON.stringify(rows.rows)).not.toContain(lastCode(phone));
    // A citizen session is not a staff session.
    expect((await c.get('/api/persons')).status).toBe(401);
    expect((await c.post('/api/citizen/logout')).status).toBe(204);
    expect((await c.get('/api/citizen/me')).status).toBe(401);
  });

  it('refuses a code twice, a wrong code, and an expired code', async () => {
    const phone = newPhone();
    const c = t.client();
    await c.post('/api/citizen/sms-code', { tenant: f.code, phone });
    const code = lastCode(phone)!;
    const wrong = await c.post('/api/citizen/login', { tenant: f.code, phone, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_code', field: 'code' });
    // The failed attempt is audited with the masked phone only.
    const audit = await t.app.db.ownerPool.query(`select result, detail from audit_log where tenant_id = $1 and action = 'citizen.login'`, [f.tenantId]);
    expect(audit.rows.map((r) => r.result)).toContain('denied');
    expect(JSON.stringify(audit.rows)).not.toContain(phone);
    expect((await c.post('/api/citizen/login', { tenant: f.code, phone, code })).status).toBe(200);
    expect((await t.client().post('/api/citizen/login', { tenant: f.code, phone, code })).status).toBe(401);
    // Expiry: age the next code past five minutes.
    const phone2 = newPhone();
    await c.post('/api/citizen/sms-code', { tenant: f.code, phone: phone2 });
    await t.app.db.ownerPool.query(`update sms_codes set expires_at = now() - interval '1 second' where tenant_id = $1`, [f.tenantId]);
    expect((await c.post('/api/citizen/login', { tenant: f.code, phone: phone2, code: lastCode(phone2) })).status).toBe(401);
  });

  it('locks a code after 5 wrong attempts', async () => {
    const phone = newPhone();
    const c = t.client();
    await c.post('/api/citizen/sms-code', { tenant: f.code, phone });
    const code = lastCode(phone)!;
    const wrongCode = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) await c.post('/api/citizen/login', { tenant: f.code, phone, code: wrongCode });
    expect((await c.post('/api/citizen/login', { tenant: f.code, phone, code })).status).toBe(401);
  });

  it('rate-limits sends per phone with 429 and Retry-After', async () => {
    const phone = newPhone();
    const c = t.client();
    expect((await c.post('/api/citizen/sms-code', { tenant: f.code, phone })).status).toBe(202);
    const again = await c.post('/api/citizen/sms-code', { tenant: f.code, phone });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(50);
    // A resident reading Chinese is told the wait in Chinese.
    const zh = await c.post('/api/citizen/sms-code', { tenant: f.code, phone }, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect([zh.status, zh.body.error.message]).toEqual([429, '两次发送验证码须间隔 60 秒']);
    // Five sends in the hour: age them past the minimum interval and try a sixth.
    for (let i = 0; i < 4; i++) {
      await t.app.db.ownerPool.query(`update sms_codes set created_at = created_at - interval '61 seconds' where tenant_id = $1`, [f.tenantId]);
      expect((await c.post('/api/citizen/sms-code', { tenant: f.code, phone })).status).toBe(202);
    }
    await t.app.db.ownerPool.query(`update sms_codes set created_at = created_at - interval '61 seconds' where tenant_id = $1`, [f.tenantId]);
    const sixth = await c.post('/api/citizen/sms-code', { tenant: f.code, phone });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.message).toMatch(/last hour/);
  });

  it('takes a phone typed with spaces, hyphens or +86 as the same 11 digits', async () => {
    const phone = newPhone();
    const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
    const c = t.client();
    const sent = await c.post('/api/citizen/sms-code', { tenant: f.code, phone: spaced });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    // The code went to the 11 digits, and signing in with them typed another way opens that account.
    const code = lastCode(phone);
    expect(code).toMatch(/^\d{6}$/);
    const hyphened = `+86 ${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`;
    const r = await c.post('/api/citizen/login', { tenant: f.code, phone: hyphened, code });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await c.get('/api/citizen/me')).body.phone).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    expect((await t.client().post('/api/citizen/sms-code', { tenant: f.code, phone: `0086${newPhone()}` })).status).toBe(202);
    // Anything else is still refused with the clear message.
    for (const bad of ['138 0013 800', '138_0013_8003', '+1 138 0013 8003', '86 138 0013 8003', '2380 013 8003']) {
      const r = await t.client().post('/api/citizen/sms-code', { tenant: f.code, phone: bad });
      expect([r.status, r.body.error?.field, r.body.error?.message], bad).toEqual([400, 'phone', 'phone must be an 11-digit mainland mobile number']);
    }
  });

  it('names the field of bad input', async () => {
    const c = t.client();
    expect((await c.post('/api/citizen/sms-code', { tenant: f.code, phone: '123' })).body.error.field).toBe('phone');
    expect((await c.post('/api/citizen/sms-code', { tenant: 'nosuchcity', phone: '13800000000' })).status).toBe(404);
    expect((await c.post('/api/citizen/login', { tenant: f.code, phone: '13800000000', code: '12ab56' })).body.error.field).toBe('code');
  });
});

describe('identity binding', () => {
  it('binds a quarantined resident whose name, ID and phone match the watch list', async () => {
    const worker = await t.login(`${f.prefix}gridworker`);
    const body = personBody(f.points.gridA);
    expect((await worker.post('/api/persons', body)).status).toBe(201);
    const c = await signedIn(body.phone);
    const wrong = await c.post('/api/citizen/bind', { name: '别人', idNumber: body.idNumber });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.field).toBe('idNumber');
    const ok = await c.post('/api/citizen/bind', { name: body.name, idNumber: body.idNumber });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await c.get('/api/citizen/me')).body.personId).toBe(ok.body.personId);
    // Someone else's phone cannot bind the same person.
    const other = await signedIn();
    expect((await other.post('/api/citizen/bind', { name: body.name, idNumber: body.idNumber })).status).toBe(422);
  });

  it('says an ID number with a wrong check digit is invalid, before and whatever the register holds', async () => {
    const worker = await t.login(`${f.prefix}gridworker`);
    const body = personBody(f.points.gridA);
    expect((await worker.post('/api/persons', body)).status).toBe(201);
    const c = await signedIn(body.phone);
    const wrongDigit = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    // The watched person's own number mistyped, and a stranger's: the same answer, naming the field.
    const stranger = makeResidentId('110101', '1990-01-01', 123, 'male');
    for (const idNumber of [wrongDigit(body.idNumber), wrongDigit(stranger)]) {
      const r = await c.post('/api/citizen/bind', { name: body.name, idNumber }, { 'accept-language': 'zh-CN' });
      expect([r.status, r.body.error.code, r.body.error.field, r.body.error.message]).toEqual([400, 'bad_request', 'idNumber', '身份证号的校验位不正确（GB 11643）']);
    }
    const short = await c.post('/api/citizen/bind', { name: body.name, idNumber: body.idNumber.slice(0, 15) });
    expect([short.status, short.body.error.field]).toEqual([400, 'idNumber']);
    expect(short.body.error.message).toMatch(/18 characters/);
    // A valid number that is not on the watch list still says so.
    const unknown = await c.post('/api/citizen/bind', { name: body.name, idNumber: stranger });
    expect([unknown.status, unknown.body.error.field]).toEqual([422, 'idNumber']);
    expect((await c.post('/api/citizen/bind', { name: body.name, idNumber: body.idNumber })).status).toBe(200);
  });
});
