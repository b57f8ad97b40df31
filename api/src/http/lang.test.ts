// Error messages in the language the request asks for: the apps send the user's choice as
// Accept-Language, so a grid worker reads refusals in Chinese; codes and fields never change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '../persons/idnumber.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { moveStatus, personBody } from '../test/people.ts';
import { langOf } from './lang.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' };
const EN = { 'accept-language': 'en' };

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'lang');
  worker = await t.login(`${f.prefix}gridworker`);
});
afterAll(() => t?.close());

describe('the language of error messages', () => {
  it('is Chinese for any zh range first, else English (and English without a header)', () => {
    expect(langOf('zh-CN,zh;q=0.9')).toBe('zh-CN');
    expect(langOf('zh-TW')).toBe('zh-CN');
    expect(langOf('en-US,zh;q=0.8')).toBe('en');
    expect(langOf(undefined)).toBe('en');
    expect(langOf('')).toBe('en');
  });

  it('answers the same refusal in each language with the same code and field', async () => {
    const body = personBody(f.points.gridA, { phone: '12345' });
    const zh = await worker.post('/api/persons', body, ZH);
    const en = await worker.post('/api/persons', body, EN);
    expect([zh.status, zh.body.error.code, zh.body.error.field]).toEqual([en.status, en.body.error.code, en.body.error.field]);
    expect(en.body.error.message).toMatch(/11-digit/);
    expect(zh.body.error.message).toBe('手机号须为 11 位中国大陆手机号码');
  });

  it('puts zod\'s own checks in Chinese, naming the field', async () => {
    const r = await worker.post('/api/persons', { ...personBody(f.points.gridA), name: 42 }, ZH);
    expect([r.status, r.body.error.code, r.body.error.field]).toEqual([400, 'invalid_input', 'name']);
    expect(r.body.error.message).toMatch(/^姓名：.*[\u4e00-\u9fff]/);
    // the commonest form mistakes in plain words rather than zod's own
    const empty = await worker.post('/api/persons', { ...personBody(f.points.gridA), name: '' }, ZH);
    expect(empty.body.error.message).toBe('姓名：不能为空');
    expect((await worker.post('/api/persons', { ...personBody(f.points.gridA), name: '' }, EN)).body.error.message).toMatch(/^Name: /);
    const missing = await worker.post('/api/persons', { ...personBody(f.points.gridA), name: undefined }, ZH);
    expect(missing.body.error.message).toBe('姓名：必填');
    // a field of another form, by its label too; the path stays in `field`
    const refer = await worker.post('/api/persons', { ...personBody(f.points.gridA), emergencyPhone: 'x'.repeat(300) }, ZH);
    expect([refer.body.error.field, refer.body.error.message.split('：')[0]]).toEqual(['emergencyPhone', '紧急联系人电话']);
  });

  it('gives the reasons the server wrote on a person\'s events in English to an English request', async () => {
    const doctor = await t.login(`${f.prefix}doctor`);
    const p = await worker.post('/api/persons', personBody(f.points.gridA), ZH);
    expect(p.status).toBe(201);
    expect((await doctor.post(`/api/persons/${p.body.id}/checks`, { temperature: 38.2, cough: true })).status).toBe(201);
    const reasons = async (h: Record<string, string>) => ((await worker.request('GET', `/api/persons/${p.body.id}`, undefined, h)).body.events as { reason: string | null }[]).map((e) => e.reason).filter(Boolean);
    expect(await reasons(EN)).toContain('Abnormal check: temperature 38.2 ℃, cough');
    expect(await reasons(ZH)).toContain('检查异常：体温38.2℃，咳嗽');
    expect(await reasons({})).toContain('检查异常：体温38.2℃，咳嗽');
  });

  it('says what is not found, a refused status change and a duplicate in Chinese', async () => {
    expect((await worker.request('GET', '/api/persons/999999999', undefined, ZH)).body.error.message).toBe('未找到该人员');
    const idNumber = makeResidentId('420106', '1981-01-02', 31, 'male');
    const p = await worker.post('/api/persons', personBody(f.points.gridA, { idNumber, sex: 'male', age: undefined }), ZH);
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    const dup = await worker.post('/api/persons', personBody(f.points.gridA, { idNumber, sex: 'male', age: undefined }), ZH);
    expect([dup.status, dup.body.error.message]).toEqual([409, `该身份证号的人员已登记（编号 ${p.body.id}）`]);
    const move = await moveStatus(worker, p.body.id, { to: 'cured', reason: '测试' }, ZH);
    expect(move.status, JSON.stringify(move.body)).toBe(409);
    expect([move.status, move.body.error.code]).toEqual([409, 'invalid_transition']);
    expect(move.body.error.message).toContain('不能从「医学观察」变更为「治愈」');
  });

  it('keeps the English detail behind a Chinese kind where a message has no Chinese of its own', async () => {
    const p = await worker.post('/api/persons', personBody(f.points.gridA), ZH);
    const r = await worker.request('PATCH', `/api/persons/${p.body.id}`, { name: 'x' }, { ...ZH, 'if-match': 'nonsense' });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^输入有误：If-Match must be/);
  });
});
