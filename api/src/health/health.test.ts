import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('system routes', () => {
  it('reports the engine and the PostGIS version', async () => {
    const r = await t.client().get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', database: inject('dbMode'), postgis: expect.stringMatching(/^3\.\d+\.\d+/) });
  });

  it('publishes an OpenAPI 3 document of every route with its schemas, and a docs page', async () => {
    const r = await t.client().get('/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(r.body.paths);
    for (const p of ['/api/health', '/api/auth/login', '/api/persons', '/api/persons/{id}', '/api/persons/{id}/status', '/api/jurisdictions/geojson', '/api/households']) {
      expect(paths).toContain(p);
    }
    const create = r.body.paths['/api/persons'].post;
    expect(create.description).toMatch(/person:write/);
    expect(r.body.components.schemas.PersonCreate.properties).toHaveProperty('idNumber');
    expect(r.body.components.schemas.PersonCreate.additionalProperties).toBe(false);
    const docs = await t.client().request('GET', '/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.body).toContain('swagger-ui');
    expect((await t.client().request('GET', '/api/docs/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('answers unknown API routes with the JSON error shape', async () => {
    const r = await t.client().get('/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});
