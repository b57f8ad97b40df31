// Protections for browsers: cross-site writes with the session cookie are refused (issue 13,
// defect 4), every page carries the security headers, and method errors have their own codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { isCrossSite } from './csrf.ts';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'csrf');
});
afterAll(() => t?.close());

describe('cross-site writes', () => {
  it('are told by Sec-Fetch-Site, else by Origin; reads, bearer calls and non-browsers pass', () => {
    const own = 'https://gec.example.cn';
    expect(isCrossSite('POST', { fetchSite: 'cross-site' }, own)).toBe(true);
    expect(isCrossSite('POST', { fetchSite: 'same-site' }, own)).toBe(true);
    expect(isCrossSite('POST', { fetchSite: 'same-origin', origin: 'http://localhost:5173' }, own)).toBe(false);
    expect(isCrossSite('DELETE', { origin: 'https://evil.example' }, own)).toBe(true);
    expect(isCrossSite('PATCH', { origin: 'null' }, own)).toBe(true);
    expect(isCrossSite('POST', { origin: own }, own)).toBe(false);
    expect(isCrossSite('POST', {}, own)).toBe(false);
    expect(isCrossSite('GET', { fetchSite: 'cross-site' }, own)).toBe(false);
    expect(isCrossSite('POST', { fetchSite: 'cross-site', authorization: 'Bearer x' }, own)).toBe(false);
    // a page served through a proxy that rewrites Host: its origin is one of the configured public ones
    expect(isCrossSite('POST', { origin: 'https://GEC.example.cn' }, ['http://127.0.0.1:3000', own])).toBe(false);
    expect(isCrossSite('POST', { origin: 'https://gec.example.cn.evil.example' }, ['http://127.0.0.1:3000', own])).toBe(true);
  });

  it('with the session cookie are refused before they act: an alert acknowledgement, a release, logout', async () => {
    const commander = await t.login(`${f.prefix}commander`);
    const evil = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' };
    for (const path of ['/api/alerts/1/acknowledge', '/api/persons/1/release', '/api/auth/logout']) {
      const r = await commander.request('POST', path, '', evil);
      expect([path, r.status, r.body.error.code]).toEqual([path, 403, 'cross_site_request']);
    }
    // a browser that sends Origin but not Sec-Fetch-Site (older ones, some webviews) is judged by Origin
    for (const origin of ['https://evil.example', 'null']) {
      const r = await commander.request('POST', '/api/auth/logout', '', { origin, 'content-type': 'application/x-www-form-urlencoded' });
      expect([origin, r.status, r.body.error?.code]).toEqual([origin, 403, 'cross_site_request']);
    }
    // the session survived the forged logout; the same request from the site's own page works
    expect((await commander.get('/api/auth/me')).status).toBe(200);
    const own = await commander.request('POST', '/api/auth/logout', undefined, { origin: t.baseUrl });
    expect(own.status).toBe(204);
    expect((await commander.get('/api/auth/me')).status).toBe(401);
  });

  it('every page comes with a policy that allows no inline or foreign script and no framing', async () => {
    for (const path of ['/', '/command', '/field', '/admin', '/api/docs', '/api/auth/me']) {
      const res = await fetch(t.baseUrl + path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const script = /script-src ([^;]*)/.exec(csp)?.[1];
      expect([path, script]).toEqual([path, "'self'"]);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('permissions-policy')).toMatch(/geolocation=\(self\), camera=\(self\), microphone=\(\)/);
      expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP: HSTS only over TLS
    }
    const docs = await (await fetch(`${t.baseUrl}/api/docs`)).text();
    expect(docs).not.toMatch(/<script>/);
  });

  it('answer a wrong method 405 with Allow and its own code', async () => {
    const admin = await t.login(`${f.prefix}admin`);
    const r = await admin.request('PUT', '/api/auth/login', {});
    expect([r.status, r.body.error.code, r.headers.get('allow')]).toEqual([405, 'method_not_allowed', 'POST']);
  });
});
