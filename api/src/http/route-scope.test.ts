// The opener a route hands its handler (RouteInput.scoped) is bound to the identity the route's
// access admits, and a public route has none. Checked on a bare Koa app with a pool that records
// how each transaction was opened, so no database is needed.
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CitizenPrincipal, Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Scoped } from '../db/scope.ts';
import { sql } from '../db/sql.ts';
import { Routes } from './route.ts';

const staff = {
  sessionId: 's1', tenantId: 7, tenantCode: 't', userId: 11, username: 'u', displayName: 'U', isDemo: false,
  scopeIds: [3], scopePaths: ['n1.n3'], roles: [], permissions: [], mustChangePassword: false, totpEnabled: false, mustEnrolTotp: false, steppedUpAt: new Date(),
} satisfies Principal;
const citizen = { sessionId: 's2', tenantId: 7, tenantCode: 't', tenantName: 'T', citizenId: 42, personId: null, phoneMasked: '138****0000' } satisfies CitizenPrincipal;

/** The first query of every transaction opened (begin, the caller's settings and the first statement). */
const opened: string[] = [];
const pool = {
  connect: async () => ({
    query: async (text: string | { text: string }) => {
      if (typeof text === 'string' && text.startsWith('begin')) {
        opened.push(text);
        return text.split(';').map(() => ({ rows: [{ n: 1 }] }));
      }
      return { rows: [{ n: 1 }] };
    },
    on() {},
    off() {},
    release() {},
  }),
};

let server: ReturnType<Koa['listen']>;
let base: string;

beforeAll(async () => {
  const app = new Koa();
  const router = new Router();
  const routes = new Routes(router, { db: { pool } } as unknown as AppContext);
  const handler = async ({ scoped }: { scoped: Scoped }) => ({ n: (await scoped((tx) => tx.one<{ n: number }>(sql`select 1 as n`)))!.n });
  routes.add({ method: 'get', path: '/staff', summary: 's', tags: [], access: { authenticated: true }, handler });
  routes.add({ method: 'get', path: '/citizen', summary: 'c', tags: [], access: { citizen: true }, handler });
  routes.add({ method: 'get', path: '/public', summary: 'p', tags: [], access: { public: true }, handler });
  app.use(async (ctx, next) => {
    try {
      // Both sessions present, as with a browser holding both cookies.
      ctx.state.user = staff;
      ctx.state.citizen = citizen;
      await next();
    } catch (err) {
      ctx.status = 500;
      ctx.body = { error: (err as Error).message };
    }
  });
  app.use(router.routes());
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function get(path: string) {
  opened.length = 0;
  const r = await fetch(base + path);
  return { status: r.status, body: await r.json(), opened: [...opened] };
}

describe('RouteInput.scoped', () => {
  it('is bound to the staff user on a staff route', async () => {
    const r = await get('/staff');
    expect(r.status).toBe(200);
    expect(r.opened).toHaveLength(1);
    expect(r.opened[0]).toContain(`'app.user_id', '11'`);
    expect(r.opened[0]).toContain(`'app.scope', '{n1.n3}'`);
    expect(r.opened[0]).toContain(`'app.citizen_id', ''`);
  });

  it('is bound to the citizen on a citizen route, even with a staff session present', async () => {
    const r = await get('/citizen');
    expect(r.status).toBe(200);
    expect(r.opened[0]).toContain(`'app.citizen_id', '42'`);
    expect(r.opened[0]).toContain(`'app.user_id', ''`);
    expect(r.opened[0]).toContain(`'app.scope', ''`);
  });

  it('refuses on a public route without touching the database', async () => {
    const r = await get('/public');
    expect(r.status).toBe(500);
    expect(r.body.error).toMatch(/GET \/public is public/);
    expect(r.opened).toEqual([]);
  });
});
