import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenClient } from '../test/citizen.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';

let t: TestApp;
let f: Fixture;
let other: Fixture;
let admin: Client;
let worker: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'con');
  other = await createFixture(t.app.db.ownerPool, 'con2');
  admin = await t.login(`${f.prefix}admin`);
  worker = await t.login(`${f.prefix}gridworker`);
});
afterAll(() => t?.close());

const publicList = (kind = '', tenant = f.code) => t.client().get(`/api/public/articles?tenant=${tenant}${kind ? `&kind=${kind}` : ''}`);
const countArticles = async () =>
  (await t.app.db.ownerPool.query('select count(*)::int n from articles where tenant_id = $1', [f.tenantId])).rows[0].n as number;

describe('content lifecycle', () => {
  it('creates drafts invisible to the public, publishes, edits, and unpublishes', async () => {
    const created = await admin.post('/api/articles', { kind: 'news', title: '本周疫情通报', body: '全市新增确诊病例为零。'.repeat(20) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', publishedAt: null, author: { name: '系统管理员' } });
    const id = created.body.id;

    // A draft is seen by content managers only.
    expect((await publicList()).body.items.map((a: { id: number }) => a.id)).not.toContain(id);
    expect((await t.client().get(`/api/public/articles/${id}?tenant=${f.code}`)).status).toBe(404);
    expect((await worker.get(`/api/articles/${id}`)).status).toBe(404);
    expect((await worker.get('/api/articles?status=draft')).status).toBe(403);
    expect((await admin.get('/api/articles?status=draft')).body.items.map((a: { id: number }) => a.id)).toContain(id);

    const published = await admin.post(`/api/articles/${id}/publish`);
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    expect(published.body.publishedAt).toBeTruthy();
    const list = await publicList('news');
    expect(list.body.items[0]).toMatchObject({ id, kind: 'news', title: '本周疫情通报' });
    expect(list.body.items[0].summary.length).toBe(120);
    expect(list.body.items[0].body).toBeUndefined();
    const one = await t.client().get(`/api/public/articles/${id}?tenant=${f.code}`);
    expect(one.body).toMatchObject({ id, body: created.body.body });
    expect(one.body.status).toBeUndefined();
    expect((await publicList('guide')).body.items.map((a: { id: number }) => a.id)).not.toContain(id);
    // A citizen reads the same, and another tenant sees nothing of it.
    const citizen = await citizenClient(t, f.code);
    expect((await citizen.get(`/api/public/articles/${id}?tenant=${f.code}`)).status).toBe(200);
    expect((await t.client().get(`/api/public/articles/${id}?tenant=${other.code}`)).status).toBe(404);
    expect((await worker.get(`/api/articles/${id}`)).status).toBe(200);

    const edited = await admin.patch(`/api/articles/${id}`, { title: '本周疫情通报（更新）' });
    expect(edited.body).toMatchObject({ title: '本周疫情通报（更新）', status: 'published' });
    expect((await admin.post(`/api/articles/${id}/publish`)).body.publishedAt).toBe(published.body.publishedAt);

    expect((await admin.post(`/api/articles/${id}/unpublish`)).body).toMatchObject({ status: 'draft', publishedAt: null });
    expect((await t.client().get(`/api/public/articles/${id}?tenant=${f.code}`)).status).toBe(404);
  });

  it('keeps self-check guides as links', async () => {
    const guide = await admin.post('/api/articles', { kind: 'guide', title: '居家自查指引', url: 'https://example.org/self-check' });
    expect(guide.status).toBe(201);
    await admin.post(`/api/articles/${guide.body.id}/publish`);
    const items = (await publicList('guide')).body.items;
    expect(items).toEqual([expect.objectContaining({ id: guide.body.id, url: 'https://example.org/self-check', summary: '' })]);
    // a scheme typed in capitals is a link like any other (stored as browsers read it)
    const shouted = await admin.post('/api/articles', { kind: 'guide', title: '指引', url: 'HTTPS://example.org/A' });
    expect([shouted.status, shouted.body.url], JSON.stringify(shouted.body)).toEqual([201, 'https://example.org/A']);
    const unlinked = await admin.patch(`/api/articles/${guide.body.id}`, { url: null });
    expect(unlinked.status).toBe(400);
    expect(unlinked.body.error.field).toBe('url');
  });
});

describe('content permissions and input', () => {
  it('lets only content managers write', async () => {
    const before = await countArticles();
    expect((await worker.post('/api/articles', { kind: 'publicity', title: '勤洗手', body: '七步洗手法' })).status).toBe(403);
    const draft = await admin.post('/api/articles', { kind: 'publicity', title: '勤洗手', body: '七步洗手法' });
    expect((await worker.post(`/api/articles/${draft.body.id}/publish`)).status).toBe(403);
    expect((await worker.patch(`/api/articles/${draft.body.id}`, { title: '改' })).status).toBe(403);
    expect((await t.client().get('/api/articles')).status).toBe(401);
    expect(await countArticles()).toBe(before + 1);
    // Another tenant's admin cannot touch it.
    const otherAdmin = await t.login(`${other.prefix}admin`);
    expect((await otherAdmin.post(`/api/articles/${draft.body.id}/publish`)).status).toBe(404);
  });

  it('names the field of bad input and writes nothing', async () => {
    const before = await countArticles();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ kind: 'blog', title: 'x', body: 'y' }, 'kind', /./],
      [{ kind: 'news', title: '', body: 'y' }, 'title', /./],
      [{ kind: 'news', title: 'x' }, 'body', /needs a body/],
      [{ kind: 'guide', title: 'x' }, 'url', /needs a url/],
      [{ kind: 'guide', title: 'x', url: 'javascript:alert(1)' }, 'url', /./],
      [{ kind: 'news', title: 'x', body: 'y', status: 'published' }, 'status', /unknown field/],
    ];
    for (const [body, field, message] of cases) {
      const r = await admin.post('/api/articles', body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.field).toBe(field);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await admin.patch('/api/articles/999999999', { title: 'x' })).status).toBe(404);
    expect((await publicList('', 'nosuchcity')).status).toBe(404);
    expect((await t.client().get('/api/public/articles?tenant=' + f.code + '&kind=blog')).body.error.field).toBe('kind');
    expect(await countArticles()).toBe(before);
  });
});
