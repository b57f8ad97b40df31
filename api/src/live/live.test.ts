import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD } from '../auth/seed.ts';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { personBody, moveStatus } from '../test/people.ts';
import { liveTiming } from './service.ts';

interface LiveEvent {
  id: number;
  event: string;
  data: any;
}

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'live');
});
afterAll(() => t?.close());

async function tokenOf(app: TestApp, username: string): Promise<string> {
  const r = await fetch(`${app.baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(r.status).toBe(200);
  return /gec_session=([^;]+)/.exec(r.headers.getSetCookie().join('; '))![1];
}

/** Opens /api/live with a bearer token and collects parsed events until closed. */
async function listen(app: TestApp, token: string, lastEventId?: number, query = '') {
  const ac = new AbortController();
  const res = await fetch(`${app.baseUrl}/api/live${query ? `?${query}` : ''}`, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId != null ? { 'last-event-id': String(lastEventId) } : {}) },
    signal: ac.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: LiveEvent[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
          if (field('data')) events.push({ id: Number(field('id')), event: field('event')!, data: JSON.parse(field('data')!) });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    personIds: () => events.map((e) => e.data.personId),
    async close() {
      ac.abort();
      await reading;
    },
  };
}

async function createPerson(app: TestApp, username: string, at: { lon: number; lat: number }): Promise<number> {
  const c = await app.login(username);
  const r = await c.post('/api/persons', personBody(at));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

describe('live events', () => {
  it('opens with the latest events of the caller\'s scope when asked (?recent), marked replayed, then follows', async () => {
    const [a, cmd] = await Promise.all(['gridworker', 'commander'].map((u) => tokenOf(t, `${f.prefix}${u}`)));
    const pa1 = await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
    const pb = await createPerson(t, `${f.prefix}gridworker2`, f.points.gridB);
    const pa2 = await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
    const sc = await listen(t, cmd, undefined, 'recent=2');
    const sa = await listen(t, a, undefined, 'recent=50');
    let pa3 = 0;
    try {
      // The commander's two latest, oldest first.
      await expect.poll(() => sc.events.length, { timeout: 10_000 }).toBe(2);
      expect(sc.personIds()).toEqual([pb, pa2]);
      expect(sc.events.every((e) => e.data.replayed === true)).toBe(true);
      // Grid A's worker: grid A's events only.
      await expect.poll(() => sa.personIds().includes(pa2), { timeout: 10_000 }).toBe(true);
      expect(sa.personIds()).toContain(pa1);
      expect(sa.personIds()).not.toContain(pb);
      expect(sa.events.every((e) => e.data.gridId === f.nodes.gridA && e.data.replayed === true)).toBe(true);
      const ids = sa.events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      // Then news, not marked.
      pa3 = await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
      await expect.poll(() => sa.events.find((e) => e.data.personId === pa3)?.data.replayed, { timeout: 10_000 }).toBe(undefined);
      await expect.poll(() => sa.personIds().includes(pa3), { timeout: 10_000 }).toBe(true);
    } finally {
      await Promise.all([sc.close(), sa.close()]);
    }
    // A reconnect (Last-Event-ID) resumes after its id (pa3's registration came since) and replays no history.
    const last = sc.events.find((e) => e.data.personId === pa2)!.id;
    const resumed = await listen(t, cmd, last, 'recent=2');
    try {
      await expect.poll(() => resumed.events.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(resumed.events.every((e) => e.id > last && e.data.replayed === undefined)).toBe(true);
      expect(resumed.personIds()).toContain(pa3);
    } finally {
      await resumed.close();
    }
    const bad = await fetch(`${t.baseUrl}/api/live?recent=101`, { headers: { authorization: `Bearer ${cmd}` } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('recent');
  });

  it('ends a stream at the next heartbeat once its session is revoked', async () => {
    const saved = liveTiming.heartbeatMs;
    liveTiming.heartbeatMs = 300;
    const cmd = await tokenOf(t, `${f.prefix}commander`);
    const s = await listen(t, cmd);
    liveTiming.heartbeatMs = saved;
    try {
      await new Promise((r) => setTimeout(r, 700));
      expect(s.events.filter((e) => e.event === 'end')).toEqual([]); // alive while the session is
      const out = await fetch(`${t.baseUrl}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${cmd}` } });
      expect(out.status).toBeLessThan(300);
      await expect.poll(() => s.events.find((e) => e.event === 'end')?.data, { timeout: 5_000 }).toEqual({ reason: 'unauthorized' });
      expect((await fetch(`${t.baseUrl}/api/live`, { headers: { authorization: `Bearer ${cmd}` } })).status).toBe(401);
    } finally {
      await s.close();
    }
  });

  it('delivers an event of grid A to grid A\'s worker and the commander, not to grid B\'s worker', async () => {
    const [a, b, cmd] = await Promise.all(['gridworker', 'gridworker2', 'commander'].map((u) => tokenOf(t, `${f.prefix}${u}`)));
    const sa = await listen(t, a);
    const sb = await listen(t, b);
    const sc = await listen(t, cmd);
    try {
      const pa = await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
      const pb = await createPerson(t, `${f.prefix}gridworker2`, f.points.gridB);
      const w = await t.login(`${f.prefix}gridworker`);
      expect((await moveStatus(w, pa, { to: 'suspected', reason: '发热' })).status).toBe(200);
      await expect.poll(() => sc.personIds().filter((x) => x === pa || x === pb).length, { timeout: 10_000 }).toBe(3);
      await expect.poll(() => sa.personIds().filter((x) => x === pa).length, { timeout: 10_000 }).toBe(2);
      await expect.poll(() => sb.personIds().includes(pb), { timeout: 10_000 }).toBe(true);
      expect(sa.personIds()).not.toContain(pb);
      expect(sb.personIds()).not.toContain(pa);
      const change = sa.events.find((e) => e.data.personId === pa && e.data.fromStatus === 'watching')!;
      expect(change).toMatchObject({ event: 'status', data: { type: 'status', status: 'suspected', gridId: f.nodes.gridA } });
      const ids = sc.events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await Promise.all([sa.close(), sb.close(), sc.close()]);
    }
  });

  it('names the grid of an alert (gridId), as the wall\'s feed names every line', async () => {
    const cmd = await tokenOf(t, `${f.prefix}commander`);
    const sc = await listen(t, cmd);
    try {
      const pb = await createPerson(t, `${f.prefix}gridworker2`, f.points.gridB);
      const doctor = await t.login(`${f.prefix}doctor`);
      const check = await doctor.post(`/api/persons/${pb}/checks`, { temperature: 38.6 });
      expect(check.status, JSON.stringify(check.body)).toBe(201);
      await expect.poll(() => sc.events.some((e) => e.event === 'alert' && e.data.personId === pb), { timeout: 10_000 }).toBe(true);
      const alert = sc.events.find((e) => e.event === 'alert' && e.data.personId === pb)!;
      expect(alert.data).toMatchObject({ type: 'alert', alertId: check.body.escalation.alertId, kind: 'abnormal_reading', gridId: f.nodes.gridB });
    } finally {
      await sc.close();
    }
  });

  it('replays what was missed after Last-Event-ID, within scope', async () => {
    const a = await tokenOf(t, `${f.prefix}gridworker`);
    const first = await listen(t, a);
    const p1 = await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
    await expect.poll(() => first.personIds().includes(p1), { timeout: 10_000 }).toBe(true);
    const lastSeen = first.events.at(-1)!.id;
    await first.close();
    // written while disconnected: one in grid A, one in grid B
    const p2 = await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
    const p3 = await createPerson(t, `${f.prefix}gridworker2`, f.points.gridB);
    const resumed = await listen(t, a, lastSeen);
    try {
      await expect.poll(() => resumed.personIds().includes(p2), { timeout: 10_000 }).toBe(true);
      expect(resumed.personIds()).not.toContain(p1);
      expect(resumed.personIds()).not.toContain(p3);
      expect(resumed.events.every((e) => e.id > lastSeen)).toBe(true);
    } finally {
      await resumed.close();
    }
    const bad = await fetch(`${t.baseUrl}/api/live`, { headers: { authorization: `Bearer ${a}`, 'last-event-id': 'x' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.field).toBe('Last-Event-ID');
    expect((await fetch(`${t.baseUrl}/api/live`)).status).toBe(401);
  });

  it('starts a stream without Last-Event-ID from now, replaying nothing', async () => {
    const cmd = await tokenOf(t, `${f.prefix}commander`);
    await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
    const s = await listen(t, cmd);
    try {
      const p = await createPerson(t, `${f.prefix}gridworker2`, f.points.gridB);
      await expect.poll(() => s.personIds().includes(p), { timeout: 10_000 }).toBe(true);
      expect(s.personIds()).toEqual([p]);
    } finally {
      await s.close();
    }
  });

  it.runIf(inject('dbMode') === 'server')('sends an event whose transaction commits after a later one', async () => {
    const cmd = await tokenOf(t, `${f.prefix}commander`);
    const s = await listen(t, cmd);
    const slow = await t.app.db.ownerPool.connect();
    try {
      const insert = `insert into live_events (tenant_id, type, grid_path, payload) values ($1, 'alert', null, $2) returning id`;
      await slow.query('begin');
      const early = (await slow.query(insert, [f.tenantId, { marker: 'early' }])).rows[0].id;
      const later = (await t.app.db.ownerPool.query(insert, [f.tenantId, { marker: 'later' }])).rows[0].id;
      expect(later).toBeGreaterThan(early);
      await expect.poll(() => s.events.some((e) => e.id === later), { timeout: 5_000 }).toBe(true);
      await slow.query('commit');
      await expect.poll(() => s.events.some((e) => e.id === early), { timeout: 5_000 }).toBe(true);
      expect(s.events.filter((e) => e.id === early || e.id === later)).toHaveLength(2);
    } finally {
      slow.release();
      await s.close();
    }
  });

  it('delivers an event written through one API instance on another', async () => {
    const other = await createTestApp();
    try {
      const cmd = await tokenOf(other, `${f.prefix}commander`);
      const s = await listen(other, cmd);
      try {
        const p = await createPerson(t, `${f.prefix}gridworker`, f.points.gridA);
        if (inject('dbMode') === 'server') {
          // LISTEN/NOTIFY: the other instance is woken at once, not at its next heartbeat
          await expect.poll(() => s.personIds().includes(p), { timeout: 5_000 }).toBe(true);
        } else {
          // Embedded: one PGlite session, a notification reaches only the client that sent it, so
          // the other instance sees the row at its next heartbeat or when a client resumes.
          const resumed = await listen(other, cmd, 0);
          await expect.poll(() => resumed.personIds().includes(p), { timeout: 10_000 }).toBe(true);
          await resumed.close();
        }
      } finally {
        await s.close();
      }
    } finally {
      await other.close();
    }
  });
});
