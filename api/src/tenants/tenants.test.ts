// Onboarding a tenant from nothing: the operator creates it, its administrator signs in with the
// temporary password, must change it, uploads the city's boundaries as the first tree and from then
// on is scoped to the whole city.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { box, feature, type FC } from '../boundaries/test-helpers.ts';
import { createTenant, TenantError, temporaryPassword } from './service.ts';
import { passwordPolicyError } from '../auth/password.ts';

let t: TestApp;
const code = `t${process.pid}${Date.now().toString(36)}`.slice(0, 30);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.app.db.ownerPool.query('delete from tenants where code = $1', [code]);
  await t?.close();
});

async function upload(cookie: string, fc: FC) {
  const form = new FormData();
  form.append('file', new Blob([JSON.stringify(fc)]), 'city.geojson');
  const r = await fetch(`${t.baseUrl}/api/boundaries/imports`, { method: 'POST', headers: { cookie }, body: form });
  return { status: r.status, body: (await r.json()) as any };
}

describe('a new tenant', () => {
  it('gets temporary passwords that meet the password rules', () => {
    for (let i = 0; i < 50; i++) expect(passwordPolicyError(temporaryPassword())).toBeUndefined();
  });

  it('refuses a bad code and a code that exists, naming what is wrong', async () => {
    await expect(createTenant(t.app.db.ownerPool, { code: 'Bad Code', name: 'x', adminUsername: 'admin', adminDisplayName: 'a' })).rejects.toThrow(TenantError);
    await expect(createTenant(t.app.db.ownerPool, { code: 'ok-code', name: 'x', adminUsername: 'a b', adminDisplayName: 'a' })).rejects.toThrow(/admin username/);
  });

  it('is onboarded by its administrator: password change, first boundaries, then scoped to the city', async () => {
    const created = await createTenant(t.app.db.ownerPool, { code, name: '新城市', adminUsername: 'admin', adminDisplayName: '系统管理员' });
    await expect(createTenant(t.app.db.ownerPool, { code, name: '新城市', adminUsername: 'admin', adminDisplayName: 'x' })).rejects.toThrow(/exists already/);

    const admin = t.client();
    const login = await admin.post('/api/auth/login', { username: 'admin', password: created.temporaryPassword, tenant: code });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
    expect((await admin.get('/api/boundaries/versions')).status).toBe(403);
    const changed = await admin.post('/api/auth/password', { currentPassword: created.temporaryPassword, newPassword: 'Xincheng@2026' });
    expect(changed.status, JSON.stringify(changed.body)).toBeLessThan(300);

    // Signed in again (a password change may end the session), nothing is visible yet: no tree.
    const again = t.client();
    expect((await again.post('/api/auth/login', { username: 'admin', password: 'Xincheng@2026', tenant: code })).status).toBe(200);
    const cookie = again.cookies;
    const x0 = 112.0;
    const y0 = 28.0;
    const c = (k: string) => `${code}-${k}`;
    const fc: FC = {
      type: 'FeatureCollection',
      features: [
        feature(c('city'), '新城市', 1, null, box(x0, y0, x0 + 0.02, y0 + 0.02)),
        feature(c('d1'), '一区', 2, c('city'), box(x0, y0, x0 + 0.02, y0 + 0.02)),
        feature(c('s1'), '一街道', 3, c('d1'), box(x0, y0, x0 + 0.02, y0 + 0.02)),
        feature(c('m1'), '一社区', 4, c('s1'), box(x0, y0, x0 + 0.02, y0 + 0.02)),
        feature(c('g1'), '第一网格', 5, c('m1'), box(x0, y0, x0 + 0.01, y0 + 0.02)),
        feature(c('g2'), '第二网格', 5, c('m1'), box(x0 + 0.01, y0, x0 + 0.02, y0 + 0.02)),
      ],
    };
    const up = await upload(cookie, fc);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.report.counts.errors).toBe(0);
    expect(up.body.report.diff.added).toHaveLength(6);
    const applied = await again.post(`/api/boundaries/imports/${up.body.id}/apply`, {});
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.counts.nodes).toBe(6);

    // The administrator now sees the whole city and may upload its next version.
    const tree = await again.get('/api/jurisdictions/tree');
    expect(tree.status).toBe(200);
    expect(JSON.stringify(tree.body)).toContain('第二网格');
    const next = await upload(cookie, fc);
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body.report.diff.added).toHaveLength(0);
  });
});
