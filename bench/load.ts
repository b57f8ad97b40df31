// Load (issue 13): the resident's self-report POST with everything on — citizen session, validation,
// Idempotency-Key, the reading, the overdue check and the audit row in its transaction — against a
// bare Koa + pg endpoint inserting the same row on the same database, in the same run (goal: at
// least half the bare rate); then a mixed load of self-reports, grid workers' task lists, map tiles
// and the command center's statistics with p50/p95 per kind. Not a test: numbers depend on the
// machine. Run against a real PostGIS holding city-L:
//   eval "$(.ci/postgis-cluster.sh /tmp/pgdev 55432 | sed 's/^/export /')"
//   npx tsx bench/load.ts          # BENCH_SECONDS=20 BENCH_CONNECTIONS=16 BENCH_CITIZENS=64 BENCH_WRITE=1 BENCH_MIXED=1 BENCH_PROFILE=
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import bodyParser from 'koa-bodyparser';
import Koa from 'koa';

// Every bench citizen signs in from this machine: the per-address SMS limit would stop the 21st.
process.env.SMS_PER_ADDRESS_PER_HOUR ??= '100000';
const { benchLogin, listen, openBenchCity } = await import('./lib/city.ts');
const { median, percentile, postgresCpuMs, tileOf, writeSection } = await import('./lib/measure.ts');
const q = await import('./queries.ts');
type LogSms = import('../api/src/citizens/sms.ts').LogSmsProvider;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 64);
const log = (msg: string) => console.error(`[bench] ${msg}`);

const city = await openBenchCity();
const { app, tenantId, tenantCode } = city;
const server = await listen(app);
const owner = app.db.ownerPool;

interface Req {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Sends requests from `next()` on `connections` keep-alive sockets for `seconds`; latencies by kind. */
async function drive(base: string, connections: number, seconds: number, next: () => Req) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(base);
  const lat = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const until = performance.now() + seconds * 1000;
  const one = (r: Req) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, method: r.method, path: r.path, agent, headers: r.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (r.body) req.end(r.body);
      else req.end();
    });
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < until) {
      const r = next();
      const t0 = performance.now();
      const status = await one(r).catch(() => 0);
      const ms = performance.now() - t0;
      if (status >= 200 && status < 300) (lat.get(r.kind) ?? lat.set(r.kind, []).get(r.kind)!).push(ms);
      else errors.set(`${r.kind} ${status}`, (errors.get(`${r.kind} ${status}`) ?? 0) + 1);
    }
  }));
  agent.destroy();
  return { lat, errors, seconds };
}

// ---- the bench citizens: watched persons of the city, each signed in and bound with their own phone
log(`signing in and binding ${CITIZENS} residents`);
const persons = (await owner.query(q.watchedWithPhone(tenantId, CITIZENS).toQuery())).rows as { id: number; name: string; id_number_enc: Buffer; phone_enc: Buffer }[];
if (persons.length < CITIZENS) throw new Error(`only ${persons.length} watched persons with a phone`);
const citizenCookies: string[] = [];
for (const p of persons) {
  const phone = app.cipher.decrypt(p.phone_enc);
  const post = (path: string, body: unknown, cookie = '') =>
    fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  const sent = await post('/api/citizen/sms-code', { tenant: tenantCode, phone });
  if (sent.status !== 202) throw new Error(`sms-code: ${sent.status} ${await sent.text()}`);
  const code = /验证码 (\d{6})/.exec((app.sms as LogSms).lastMessage(phone) ?? '')?.[1];
  const login = await post('/api/citizen/login', { tenant: tenantCode, phone, code });
  if (login.status !== 200) throw new Error(`citizen login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const bind = await post('/api/citizen/bind', { name: p.name, idNumber: app.cipher.decrypt(p.id_number_enc) }, cookie);
  // (an account an earlier run bound to this same person stays bound)
  const boundBefore = bind.status === 409 && (await (await fetch(`${server.baseUrl}/api/citizen/me`, { headers: { cookie } })).json()).personId === p.id;
  if (bind.status !== 200 && !boundBefore) throw new Error(`bind: ${bind.status} ${await bind.text()}`);
  citizenCookies.push(cookie);
}
const personIds = persons.map((p) => p.id);

let turn = 0;
const reading = () => JSON.stringify({ temperature: 36.4 + (turn % 5) / 10, cough: false, description: '无不适', deviceTime: new Date().toISOString() });
const selfReport = (): Req => {
  turn++;
  return {
    kind: 'self-report', method: 'POST', path: '/api/citizen/self-reports', body: reading(),
    headers: { 'content-type': 'application/json', cookie: citizenCookies[turn % citizenCookies.length], 'idempotency-key': randomUUID() },
  };
};

// ---- the bare endpoint: Koa, a JSON body parser and one insert of the same row, nothing else
const bare = new Koa();
bare.use(bodyParser());
bare.use(async (ctx) => {
  const b = ctx.request.body as { temperature: number; description: string; deviceTime: string };
  const personId = personIds[turn % personIds.length];
  const r = await owner.query(q.bareSelfReport(tenantId, personId, b.temperature, b.description, b.deviceTime).toQuery());
  ctx.status = 201;
  ctx.body = { id: r.rows[0].id };
});
const bareServer = bare.listen(0, '127.0.0.1');
await new Promise((r) => bareServer.once('listening', r));
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}`;

const rate = (r: Awaited<ReturnType<typeof drive>>, kind: string) => (r.lat.get(kind)?.length ?? 0) / r.seconds;
const ms = (x: number) => x.toFixed(1);

log(`warming up, then ${SECONDS} s of each with ${CONNECTIONS} connections`);
await drive(server.baseUrl, CONNECTIONS, 3, selfReport);
await drive(bareUrl, CONNECTIONS, 3, () => ({ ...selfReport(), kind: 'bare' }));
// BENCH_PROFILE=1: the CPU profile of the measured self-report run alone, to /tmp/load-self-report.cpuprofile.
const profiler = process.env.BENCH_PROFILE ? new (await import('node:inspector/promises')).Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
/** A run with the CPU it cost per answered request: this process (API and load generator) and PostgreSQL (when on this host). */
async function measured(run: () => ReturnType<typeof drive>, kind: string) {
  const [cpu0, pg0] = [process.cpuUsage(), await postgresCpuMs()];
  const r = await run();
  const [cpu1, pg1] = [process.cpuUsage(cpu0), await postgresCpuMs()];
  const n = Math.max(1, r.lat.get(kind)?.length ?? 0);
  return { ...r, nodeMs: (cpu1.user + cpu1.system) / 1000 / n, pgMs: pg0 != null && pg1 != null ? (pg1 - pg0) / n : undefined };
}
const full = await measured(() => drive(server.baseUrl, CONNECTIONS, SECONDS, selfReport), 'self-report');
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  await (await import('node:fs/promises')).writeFile('/tmp/load-self-report.cpuprofile', JSON.stringify(profile));
}
const bareRun = await measured(() => drive(bareUrl, CONNECTIONS, SECONDS, () => ({ ...selfReport(), kind: 'bare' })), 'bare');
const fullRate = rate(full, 'self-report');
const bareRate = rate(bareRun, 'bare');
const cpuOf = (r: { nodeMs: number; pgMs?: number }) => `${r.nodeMs.toFixed(2)} | ${r.pgMs == null ? '—' : r.pgMs.toFixed(2)}`;
log(`self-report ${fullRate.toFixed(0)}/s, bare ${bareRate.toFixed(0)}/s, ratio ${(fullRate / bareRate).toFixed(2)}; CPU ms per request (API+generator | PostgreSQL): ${cpuOf(full)} vs ${cpuOf(bareRun)}`);
if (process.env.BENCH_MIXED === '0') {
  // The ratio alone (quick runs while working on the self-report path).
  bareServer.close();
  await server.close();
  await city.runtime.close();
  process.exit(0);
}

// ---- the mixed load: residents reporting while staff read tasks, tiles and statistics
const worker = await benchLogin(server.baseUrl, tenantCode, 'gridworker');
const commander = await benchLogin(server.baseUrl, tenantCode, 'commander');
const centre = (await owner.query(q.cityCentre(tenantId).toQuery())).rows[0] as { lon: number; lat: number };
const grids = (await owner.query(q.gridPoints(tenantId).toQuery())).rows.slice(0, 400) as { lon: number; lat: number }[];
let m = 0;
const mixed = (): Req => {
  m++;
  const at = grids[m % grids.length];
  switch (m % 4) {
    case 0: return selfReport();
    case 1: return { kind: 'task list', method: 'GET', path: `/api/tasks?mine=true&near=${at.lon},${at.lat}&pageSize=50`, headers: { cookie: worker } };
    case 2: {
      const [z, x, y] = tileOf(at.lon, at.lat, 14 + (m % 3));
      return { kind: 'tile', method: 'GET', path: `/api/tiles/${['grids', 'households', 'persons'][m % 3]}/${z}/${x}/${y}`, headers: { cookie: commander, 'accept-encoding': 'gzip' } };
    }
    default: {
      const d = 0.02 + (m % 7) * 0.01;
      return m % 8 === 3
        ? { kind: 'statistics', method: 'GET', path: '/api/stats/summary', headers: { cookie: commander } }
        : { kind: 'statistics', method: 'GET', path: `/api/stats/heatmap?bbox=${centre.lon - d},${centre.lat - d},${centre.lon + d},${centre.lat + d}&zoom=13`, headers: { cookie: commander } };
    }
  }
};
const mixedRun = await drive(server.baseUrl, CONNECTIONS, SECONDS, mixed);

bareServer.close();
await server.close();
const after = (await owner.query(q.selfReportCount(tenantId).toQuery())).rows[0] as { n: number };

const rows = ['self-report', 'task list', 'tile', 'statistics'].map((k) => {
  const xs = mixedRun.lat.get(k) ?? [];
  return `| ${k} | ${xs.length.toLocaleString('en-US')} | ${(xs.length / SECONDS).toFixed(0)} | ${ms(median(xs))} | ${ms(percentile(xs, 95))} |`;
});
const errorLines = [...full.errors, ...bareRun.errors, ...mixedRun.errors].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
const body = `## Load: self-reports against a bare insert, and a mixed load (issue 13)

Measured ${new Date().toISOString().slice(0, 10)} by \`bench/load.ts\` on ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, PostgreSQL ${city.versions.pg} + PostGIS ${city.versions.postgis}, city-L (${city.counts.persons.toLocaleString('en-US')} persons, ${city.counts.households.toLocaleString('en-US')} households); the API, the load generator and PostgreSQL share the machine. ${CONNECTIONS} keep-alive connections, ${SECONDS} s per run after a 3 s warm-up, ${CITIZENS} bound residents in turn, a new \`Idempotency-Key\` per request.

| run | requests/s | p50 ms | p95 ms | CPU ms per request: this process (API and load generator) | PostgreSQL |
|---|---:|---:|---:|---:|---:|
| \`POST /api/citizen/self-reports\`: citizen session, validation, idempotency, reading, overdue check, audit row (hash chain) in one transaction | ${fullRate.toFixed(0)} | ${ms(median(full.lat.get('self-report') ?? []))} | ${ms(percentile(full.lat.get('self-report') ?? [], 95))} | ${cpuOf(full)} |
| bare Koa + body parser + one \`insert into health_checks\` (owner connection, no checks) | ${bareRate.toFixed(0)} | ${ms(median(bareRun.lat.get('bare') ?? []))} | ${ms(percentile(bareRun.lat.get('bare') ?? [], 95))} | ${cpuOf(bareRun)} |

Full / bare: **${(fullRate / bareRate).toFixed(2)}×** (goal ≥ 0.5×).

Mixed load (a quarter each: self-reports; a grid worker's task list nearest first; tiles z14–16 of grids, households, persons as the commander; the commander's heatmap and summary):

| kind | requests | per s | p50 ms | p95 ms |
|---|---:|---:|---:|---:|
${rows.join('\n')}

Refused or failed answers: ${errorLines}. Self-reports in the city after the run: ${Number(after.n).toLocaleString('en-US')}.`;
console.log(body);
if (process.env.BENCH_WRITE !== '0') await writeSection('load', body);
await city.runtime.close();
process.exit(0);
