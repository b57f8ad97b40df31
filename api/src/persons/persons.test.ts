import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type Client, type TestApp } from '../test/harness.ts';
import { personBody, moveStatus, versionOf } from '../test/people.ts';
import { makeResidentId } from './idnumber.ts';

let t: TestApp;
let f: Fixture;
let worker: Client;
let commander: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'per');
  worker = await t.login(`${f.prefix}gridworker`);
  commander = await t.login(`${f.prefix}commander`);
});
afterAll(() => t?.close());

const countPersons = async () =>
  (await t.app.db.ownerPool.query('select count(*)::int n from persons where tenant_id = $1', [f.tenantId])).rows[0].n as number;

describe('registering a person', () => {
  it('stores ID and phone only encrypted, derives grid, birth date, sex and age, and writes a created event', async () => {
    const body = personBody(f.points.gridA, { sex: undefined, age: undefined, idNumber: makeResidentId('420106', '1990-03-07', 11, 'male') });
    const r = await worker.post('/api/persons', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      idNumber: '420***********' + body.idNumber.slice(-4),
      phone: body.phone.slice(0, 3) + '****' + body.phone.slice(-4),
      sex: 'male',
      birthDate: '1990-03-07',
      // a grid worker does not read the community above their grid
      grid: { id: f.nodes.gridA, name: '第一网格', communityName: null },
      status: 'watching',
      observationDays: (Date.parse(body.observationEnd) - Date.parse(body.observationStart)) / 86_400_000,
    });
    // grids are named 第1网格 in every community: those who see further read the community too
    expect((await commander.get(`/api/persons/${r.body.id}`)).body.grid).toMatchObject({ name: '第一网格', communityName: '东一社区' });
    expect(r.body.events).toHaveLength(1);
    expect(r.body.events[0]).toMatchObject({ kind: 'created', toStatus: 'watching' });
    const raw = await t.app.db.ownerPool.query('select * from persons where tenant_id = $1 and id = $2', [f.tenantId, r.body.id]);
    const stored = JSON.stringify(raw.rows[0]);
    expect(stored).not.toContain(body.idNumber.slice(6, 14));
    expect(stored).not.toContain(body.phone);
  });

  it('names the field and the reason for bad input, and writes nothing', async () => {
    const before = await countPersons();
    const good = personBody(f.points.gridA);
    const badId = good.idNumber.slice(0, 17) + (good.idNumber[17] === '0' ? '1' : '0');
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ ...good, idNumber: badId }, 400, 'idNumber', /check digit/],
      [{ ...good, idNumber: '42010619900230001X' }, 400, 'idNumber', /birth date/],
      [{ ...good, sex: good.idNumber[16] && Number(good.idNumber[16]) % 2 ? 'female' : 'male' }, 400, 'sex', /does not match/],
      [{ ...good, age: 3 }, 400, 'age', /does not match/],
      [{ ...good, phone: '12345' }, 400, 'phone', /mobile/],
      [{ ...good, emergencyPhone: 'abc' }, 400, 'emergencyPhone', /mobile number or a landline/],
      [{ ...good, location: { lon: 200, lat: 30 } }, 400, 'location.lon', /200|180/],
      [{ ...good, location: { lon: 100, lat: 10 } }, 422, 'location', /not inside any grid/],
      [{ ...good, location: undefined }, 400, 'location', /required/],
      [{ ...good, observationStart: '2026-12-10', observationEnd: '2026-12-01' }, 400, 'observationEnd', /before/],
      [{ ...good, observationStart: '2026-13-01' }, 400, 'observationStart', /date/i],
      [{ ...good, status: 'confirmed' }, 400, 'severity', /severity/],
      [{ ...good, status: 'dead' }, 400, 'status', /./],
      [{ ...good, conditions: ['fever', 'sneezing'] }, 400, 'conditions.1', /./],
      [{ ...good, grid_id: 5 }, 400, 'grid_id', /unknown field/],
      [{ ...good, name: '' }, 400, 'name', /./],
    ];
    for (const [body, status, field, message] of cases) {
      const r = await worker.post('/api/persons', body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(status);
      expect(r.body.error.field, field).toBe(field);
      expect(r.body.error.message, field).toMatch(message);
    }
    expect(await countPersons()).toBe(before);
  });

  it('refuses a second registration of the same ID number with 409', async () => {
    const body = personBody(f.points.gridA);
    expect((await worker.post('/api/persons', body)).status).toBe(201);
    const again = await worker.post('/api/persons', { ...body, phone: '13900000000' });
    expect(again.status).toBe(409);
    expect(again.body.error.field).toBe('idNumber');
  });

  it('refuses an ID number registered outside the caller\'s jurisdiction on the ID field, naming neither the person nor the index', async () => {
    const community = await t.login(`${f.prefix}community`);
    const body = personBody(f.points.gridB);
    const first = await community.post('/api/persons', body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    for (const lang of ['en', 'zh-CN']) {
      const r = await worker.post('/api/persons', { ...personBody(f.points.gridA), idNumber: body.idNumber }, { 'accept-language': lang });
      expect([r.status, r.body.error.field], JSON.stringify(r.body)).toEqual([409, 'idNumber']);
      expect(r.body.error.message).toMatch(lang === 'en' ? /already registered/ : /已登记/);
      expect(r.body.error.message).not.toMatch(new RegExp(`${first.body.id}|unique|persons_`));
    }
  });

  it('records all five groups of §5.1 and returns them', async () => {
    const body = personBody(f.points.gridA, {
      nativePlace: '湖北省武汉市', arrivalCategory: 'returning_worker', emergencyPhone: '027-88886666',
      conditions: ['fever', 'cough'], conditionNote: '夜间咳嗽', postReleaseState: 'free', isolationConfirmedAt: '2026-11-20T08:00:00+08:00',
      arrivedAt: '2026-11-18', arrivalTransport: 'train', arrivalTripNo: 'G1234', wuhanHistory: true, hubeiHistory: true,
      contactWithExposed: false, wildAnimalContact: false, wetMarketVisit: true, infectionRoute: 'imported',
      noticeSigned: true, homeGuideGiven: true, enterpriseManaged: false, handoverPerson: '李明', isolationStartEvidence: '火车票',
      observationPlace: '家中', centralizedRoomNo: 'A-301', housingType: 'rented', coResidentCount: 2,
      coResidents: [{ name: '王芳', relation: '配偶' }], inspectorAttendance: [{ name: '赵督查', at: '2026-11-21T09:00:00+08:00' }],
      visitContact: '张网格', releaseNoticeIssued: false, comparisonModel: { risk: 'high' }, periodicReporting: { daily: true },
    });
    const r = await worker.post('/api/persons', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const got = await worker.get(`/api/persons/${r.body.id}`);
    for (const k of ['nativePlace', 'arrivalCategory', 'conditions', 'arrivalTripNo', 'wetMarketVisit', 'coResidents', 'inspectorAttendance', 'comparisonModel', 'housingType']) {
      expect(got.body[k], k).toEqual(body[k as keyof typeof body]);
    }
    expect(got.body.emergencyPhone).toBe('027*****6666');
  });
});

describe('masking and reveal', () => {
  it('masks ID, phone and address for a commander and audits a reveal', async () => {
    const body = personBody(f.points.gridA);
    const created = await worker.post('/api/persons', body);
    const list = await commander.get(`/api/persons?q=${created.body.name}`);
    const item = list.body.items.find((p: any) => p.id === created.body.id);
    expect(item.idNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
    expect(item.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(item.address).toMatch(/\*\*\*\*$/);
    expect(item.address).not.toContain('单元');
    expect((await commander.post(`/api/persons/${created.body.id}/reveal`, { fields: ['idNumber'], reason: '核查' })).status).toBe(403);
    const shown = await worker.post(`/api/persons/${created.body.id}/reveal`, { fields: ['idNumber', 'phone'], reason: '入户核实' });
    expect(shown.body).toEqual({ idNumber: body.idNumber, phone: body.phone });
    const audit = await t.app.db.ownerPool.query(
      `select detail from audit_log where tenant_id = $1 and action = 'person.reveal' and object_id = $2`, [f.tenantId, String(created.body.id)]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].detail).toEqual({ fields: ['idNumber', 'phone'], reason: '入户核实' });
    // Exact lookup by the keyed hash, not by scanning clear text.
    const byId = await commander.get(`/api/persons?q=${body.idNumber}`);
    expect(byId.body.items.map((p: any) => p.id)).toEqual([created.body.id]);
    const byPhone = await commander.get(`/api/persons?q=${body.phone}`);
    expect(byPhone.body.items.map((p: any) => p.id)).toEqual([created.body.id]);
  });
});

describe('status machine through the API', () => {
  it('walks watching → suspected → confirmed(mild) → confirmed(severe) → cured, one event each', async () => {
    const { body: p } = await worker.post('/api/persons', personBody(f.points.gridA));
    const steps = [
      { to: 'suspected', reason: '发热38.2' },
      { to: 'confirmed', severity: 'mild', reason: '核酸阳性' },
      { to: 'confirmed', severity: 'severe', reason: '病情加重' },
      { to: 'cured', reason: '出院' },
    ];
    for (const s of steps) {
      const r = await moveStatus(worker, p.id, s);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const got = await worker.get(`/api/persons/${p.id}`);
    expect(got.body.status).toBe('cured');
    expect(got.body.severity).toBeNull();
    expect(got.body.events.map((e: any) => [e.kind, e.fromStatus, e.toStatus, e.toSeverity])).toEqual([
      ['created', null, 'watching', null],
      ['status', 'watching', 'suspected', null],
      ['status', 'suspected', 'confirmed', 'mild'],
      ['status', 'confirmed', 'confirmed', 'severe'],
      ['status', 'confirmed', 'cured', null],
    ]);
    expect(got.body.events[1].actor.name).toBe('网格员 刘芳');
  });

  it('answers a registration, an edit and a status change with the server-written reasons in the language asked for', async () => {
    const en = { 'accept-language': 'en' };
    const created = await worker.post('/api/persons', personBody(f.points.gridA), en);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // typed as the server writes an abnormal check's reason: read like one
    const moved = await moveStatus(worker, created.body.id, { to: 'suspected', reason: '检查异常：咳嗽' }, en);
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.events.at(-1).reason).toBe('Abnormal check: cough');
    const edited = await worker.patch(`/api/persons/${created.body.id}`, { nativePlace: '湖北', version: moved.body.version }, en);
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.events.map((e: any) => e.reason)).toContain('Abnormal check: cough');
    // Chinese (and no stated language) reads the record as written
    const zh = await worker.get(`/api/persons/${created.body.id}`, { 'accept-language': 'zh-CN' });
    expect(zh.body.events.map((e: any) => e.reason)).toContain('检查异常：咳嗽');
  });

  it('refuses an invalid transition with 409 and a clear message, changing nothing', async () => {
    const { body: p } = await worker.post('/api/persons', personBody(f.points.gridA));
    const r = await moveStatus(worker, p.id, { to: 'cured', reason: 'x' });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'invalid_transition', field: 'to' });
    expect(r.body.error.message).toMatch(/from watching to cured.*allowed: suspected, released, closed/);
    // a request wrong whatever the person's state is a 400, not a conflict
    await moveStatus(worker, p.id, { to: 'suspected', reason: 'x' });
    const noSeverity = await moveStatus(worker, p.id, { to: 'confirmed', reason: 'x' });
    expect([noSeverity.status, noSeverity.body.error.code, noSeverity.body.error.field]).toEqual([400, 'invalid_input', 'severity']);
    const got = await worker.get(`/api/persons/${p.id}`);
    expect(got.body.status).toBe('suspected');
    expect(got.body.events).toHaveLength(2);
    expect((await moveStatus(commander, p.id, { to: 'suspected', reason: 'x' })).status).toBe(403);
  });

  it('applies one of 20 concurrent mixed changes made on the same version; the others are told it moved on (409)', async () => {
    const { body: p } = await worker.post('/api/persons', personBody(f.points.gridA));
    await moveStatus(worker, p.id, { to: 'suspected', reason: 'x' });
    const version = await versionOf(worker, p.id);
    const moves = [
      { to: 'confirmed', severity: 'mild', reason: 'a' },
      { to: 'released', reason: 'b' },
      { to: 'closed', reason: 'c' },
      { to: 'watching', reason: 'd' },
    ];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      i % 5 === 4
        ? worker.patch(`/api/persons/${p.id}`, { nativePlace: `地${i}`, version })
        : worker.post(`/api/persons/${p.id}/status`, { ...moves[i % 4], version }),
    ));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused.map((r) => [r.status, r.body.error.code, r.body.error.field])).toEqual(refused.map(() => [409, 'stale_version', 'version']));
    const got = await worker.get(`/api/persons/${p.id}`);
    expect(got.body.version).toBe(version + 1);
    expect(got.body.events.filter((e: any) => e.kind === 'status' || e.kind === 'edit')).toHaveLength(2);
  });

  it('takes the version from If-Match, gives it as ETag, and refuses a change without one (428)', async () => {
    const { body: p } = await worker.post('/api/persons', personBody(f.points.gridA));
    const read = await worker.get(`/api/persons/${p.id}`);
    expect(read.headers.get('etag')).toBe(`"${read.body.version}"`);
    const blind = await worker.post(`/api/persons/${p.id}/status`, { to: 'suspected', reason: 'x' });
    expect([blind.status, blind.body.error.code, blind.body.error.field]).toEqual([428, 'version_required', 'version']);
    expect((await worker.patch(`/api/persons/${p.id}`, { nativePlace: '北京市' })).status).toBe(428);
    const bad = await worker.post(`/api/persons/${p.id}/status`, { to: 'suspected', reason: 'x' }, { 'If-Match': 'abc' });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'If-Match']);
    const disagree = await worker.post(`/api/persons/${p.id}/status`, { to: 'suspected', reason: 'x', version: 9 }, { 'If-Match': read.headers.get('etag')! });
    expect([disagree.status, disagree.body.error.field]).toEqual([400, 'version']);
    const moved = await worker.post(`/api/persons/${p.id}/status`, { to: 'suspected', reason: 'x' }, { 'If-Match': `W/${read.headers.get('etag')}` });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.headers.get('etag')).toBe(`"${read.body.version + 1}"`);
    const stale = await worker.post(`/api/persons/${p.id}/status`, { to: 'watching', reason: 'y' }, { 'If-Match': read.headers.get('etag')! });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'stale_version']);
    expect((await worker.get(`/api/persons/${p.id}`)).body.status).toBe('suspected');
  });
});

describe('editing', () => {
  it('keeps every edit as an event, personal values only as changed, and honours version', async () => {
    const { body: p } = await worker.post('/api/persons', personBody(f.points.gridA));
    const r = await worker.patch(`/api/persons/${p.id}`, { nativePlace: '湖北省孝感市', phone: '13712345678', version: 1, reason: '电话更正' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.version).toBe(2);
    const edit = r.body.events.find((e: any) => e.kind === 'edit');
    expect(edit.changes).toEqual({ native_place: { from: null, to: '湖北省孝感市' }, phone: { changed: true } });
    expect(JSON.stringify(edit)).not.toContain('13712345678');
    const stale = await worker.patch(`/api/persons/${p.id}`, { nativePlace: '北京市', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.field).toBe('version');
    const moved = await worker.patch(`/api/persons/${p.id}`, { location: { lon: f.points.gridA.lon + 0.01, lat: f.points.gridA.lat } }, { 'If-Match': r.headers.get('etag')! });
    expect(moved.status).toBe(200);
    expect((await worker.patch(`/api/persons/${p.id}`, { status: 'dead', version: 3 })).status).toBe(400);
  });
});

describe('transactions', () => {
  it('never leaves a transaction open after failed requests', async () => {
    const { body: p } = await worker.post('/api/persons', personBody(f.points.gridA));
    // More failures (each inside an open transaction) than the pool has connections.
    const failures = await Promise.all(Array.from({ length: 12 }, () => moveStatus(worker, p.id, { to: 'cured', reason: 'x' })));
    expect(failures.every((r) => r.status === 409)).toBe(true);
    const pool = t.app.db.pool;
    expect(pool.totalCount - pool.idleCount).toBe(0);
    const ok = await moveStatus(worker, p.id, { to: 'suspected', reason: 'ok' });
    expect(ok.status).toBe(200);
    if (t.app.db.mode === 'server') {
      const open = await t.app.db.ownerPool.query(`select count(*)::int n from pg_stat_activity where state like 'idle in transaction%' and datname = current_database()`);
      expect(open.rows[0].n).toBe(0);
    }
  });
});

describe('listing', () => {
  it('filters by status, source, jurisdiction, date and pages', async () => {
    for (let i = 0; i < 3; i++) await worker.post('/api/persons', personBody(f.points.gridA, { source: 'checkpoint' }));
    const page1 = await commander.get('/api/persons?source=checkpoint&pageSize=2&page=1');
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.total).toBeGreaterThanOrEqual(3);
    const page2 = await commander.get('/api/persons?source=checkpoint&pageSize=2&page=2');
    expect(page2.body.items[0].id).not.toBe(page1.body.items[1].id);
    const watching = await commander.get(`/api/persons?status=watching,suspected&jurisdictionId=${f.nodes.m1}&pageSize=200`);
    expect(watching.body.items.every((p: any) => ['watching', 'suspected'].includes(p.status))).toBe(true);
    const future = await commander.get('/api/persons?from=2099-01-01');
    expect(future.body).toMatchObject({ items: [], total: 0 });
    const bad = await commander.get('/api/persons?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status.0');
    expect((await commander.get('/api/persons?pageSize=1000')).body.error.field).toBe('pageSize');
    expect((await commander.get('/api/persons?colour=red')).body.error.field).toBe('colour');
  });
});

describe('audit trail', () => {
  it('shows the audit administrator who created, changed and revealed what; nobody else (the system admin included) may read it', async () => {
    const auditor = await t.login(`${f.prefix}auditor`);
    const { body: p } = await worker.post('/api/persons', personBody(f.points.gridA));
    await moveStatus(worker, p.id, { to: 'suspected', reason: '发热' });
    const r = await auditor.get(`/api/audit?objectType=person&objectId=${p.id}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: any) => i.action)).toEqual(['person.status', 'person.create']);
    expect(r.body.items[0]).toMatchObject({ user: { username: `${f.prefix}gridworker` }, result: 'ok', detail: { to: 'suspected' } });
    expect((await worker.get('/api/audit')).status).toBe(403);
    expect((await (await t.login(`${f.prefix}admin`)).get('/api/audit')).status).toBe(403);
    expect((await auditor.get('/api/audit?action=DROP TABLE')).status).toBe(400);
  });
});
