// Faults under load (issue 13), the part the test suite cannot do on its shared cluster: residents'
// phones send self-reports and retry what got no answer or a 5xx (same Idempotency-Key and body,
// as the outboxes do) while, one after another, the database terminates the API's connections, the
// API is restarted, and PostgreSQL itself is restarted. Afterwards every acknowledged submission is
// in the database exactly once, no answer was a 500, every 503 carried Retry-After, and the API
// recovered by itself. Needs a cluster of its own (it is restarted):
//   eval "$(.ci/postgis-cluster.sh /tmp/pg-fault 55445 | sed 's/^/export /')"
//   BENCH_PGDATA=/tmp/pg-fault npx tsx bench/faults.ts      # BENCH_PHONES=12 BENCH_REPORTS=15 BENCH_WRITE=0
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';

// Every bench phone signs in from this machine: the per-address SMS limit would stop the 21st.
process.env.SMS_PER_ADDRESS_PER_HOUR ??= '100000';
const { generateCity } = await import('../geodata/src/generate/index.ts');
const { loadConfig } = await import('../api/src/config.ts');
const { startRuntime } = await import('../api/src/runtime.ts');
const { listen } = await import('./lib/city.ts');
const { writeSection } = await import('./lib/measure.ts');
const q = await import('./queries.ts');
type LogSms = import('../api/src/citizens/sms.ts').LogSmsProvider;

const PGDATA = process.env.BENCH_PGDATA;
if (!process.env.DATABASE_URL || !PGDATA) throw new Error('set DATABASE_URL, DATABASE_OWNER_URL and BENCH_PGDATA (the cluster of .ci/postgis-cluster.sh: it is restarted)');
const PHONES = Number(process.env.BENCH_PHONES ?? 12);
const REPORTS = Number(process.env.BENCH_REPORTS ?? 15);
const tenantCode = process.env.BENCH_TENANT ?? 'faultbench';
const log = (msg: string) => console.error(`[bench] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const config = { ...loadConfig(), logLevel: 'fatal' };
let runtime = await startRuntime(config);
let server = await listen(runtime.app);
const owner = () => runtime.app.db.ownerPool;
let tenantId = (await owner().query('select id from tenants where code = $1', [tenantCode])).rows[0]?.id as number | undefined;
if (!tenantId) {
  log(`generating a demo-size city as tenant ${tenantCode}`);
  tenantId = (await generateCity(runtime.app.db, { tenantCode, tenantName: '故障基准市', size: 'demo', cipher: runtime.app.cipher, log })).tenantId;
}

// ---- the phones: watched persons of the city, each signed in with their own phone and bound
const persons = (await owner().query(q.watchedWithPhone(tenantId, PHONES).toQuery())).rows as { id: number; name: string; id_number_enc: Buffer; phone_enc: Buffer }[];
if (persons.length < PHONES) throw new Error(`only ${persons.length} watched persons with a phone not signed in within the hour`);
const cookies: string[] = [];
for (const p of persons) {
  const phone = runtime.app.cipher.decrypt(p.phone_enc);
  const post = (path: string, body: unknown, cookie = '') =>
    fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  if ((await post('/api/citizen/sms-code', { tenant: tenantCode, phone })).status !== 202) throw new Error('sms-code refused');
  const code = /验证码 (\d{6})/.exec((runtime.app.sms as LogSms).lastMessage(phone) ?? '')?.[1];
  const login = await post('/api/citizen/login', { tenant: tenantCode, phone, code });
  if (login.status !== 200) throw new Error(`citizen login: ${login.status} ${await login.text()}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const bind = await post('/api/citizen/bind', { name: p.name, idNumber: runtime.app.cipher.decrypt(p.id_number_enc) }, cookie);
  if (bind.status !== 200 && bind.status !== 409) throw new Error(`bind: ${bind.status} ${await bind.text()}`);
  cookies.push(cookie);
}
const personIds = persons.map((p) => p.id);
const since = (await owner().query('select now() t')).rows[0].t as Date;

// ---- the load: each phone reports one after another; no answer or a 5xx is sent again, same key
const acknowledged = new Map<string, number>();
const answers = new Map<string, number>();
const count = (k: string) => answers.set(k, (answers.get(k) ?? 0) + 1);
let lastRefusedAt = 0;
let pgBackAt = Infinity;
let firstOkAfterPg = 0;
const phone = async (cookie: string) => {
  for (let i = 0; i < REPORTS; i++) {
    const key = randomUUID();
    const body = JSON.stringify({ temperature: 36.5, description: `第${i}次`, deviceTime: new Date().toISOString() });
    for (let attempt = 0; ; attempt++) {
      if (attempt > 400) throw new Error('a submission was never acknowledged');
      const r = await fetch(`${server.baseUrl}/api/citizen/self-reports`, {
        method: 'POST', headers: { 'content-type': 'application/json', cookie, 'idempotency-key': key }, body, signal: AbortSignal.timeout(10_000),
      }).then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json().catch(() => null) }))
        .catch(() => ({ status: 0, retryAfter: null, body: null }));
      count(r.status === 503 ? `503${r.retryAfter ? ' with Retry-After' : ' WITHOUT Retry-After'}` : String(r.status || 'no answer'));
      if (r.status === 201) {
        acknowledged.set(key, r.body.id);
        if (!firstOkAfterPg && performance.now() > pgBackAt) firstOkAfterPg = performance.now();
        break;
      }
      // the first request's change committed and its answer was lost: acknowledged, no id to show
      if (r.status === 200 && r.body?.applied) {
        acknowledged.set(key, -1);
        break;
      }
      if (r.status !== 0 && r.status < 500) throw new Error(`refused: ${r.status} ${JSON.stringify(r.body)}`);
      lastRefusedAt = performance.now();
      await sleep(250);
    }
    await sleep(100);
  }
};

const t0 = performance.now();
const events: string[] = [];
const at = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const load = Promise.all(cookies.map(phone));

await sleep(1000);
const killed = await owner().query(`select count(pg_terminate_backend(pid))::int n from pg_stat_activity where usename = 'gec_login' and pid <> pg_backend_pid()`);
events.push(`${at()}: the database terminated the API's ${killed.rows[0].n} connections`);

await sleep(1500);
const restartApi = performance.now();
await server.close();
await runtime.close();
runtime = await startRuntime(config);
server = await listen(runtime.app); // (a new port: the phones follow `server`, as behind a load balancer)
events.push(`${at()}: the API restarted (down ${((performance.now() - restartApi) / 1000).toFixed(1)} s)`);

await sleep(1500);
const restartPg = performance.now();
execFileSync('su', ['postgres', '-s', '/bin/bash', '-c', `/usr/lib/postgresql/15/bin/pg_ctl -D '${PGDATA}' restart -m fast -w`], { stdio: 'ignore' });
const pgDown = (performance.now() - restartPg) / 1000;
events.push(`${at()}: PostgreSQL restarted (pg_ctl restart -m fast, ${pgDown.toFixed(1)} s)`);
pgBackAt = performance.now();
await load;
const secs = (x: number) => `${((x - pgBackAt) / 1000).toFixed(1)} s`;
events.push(`${at()}: every phone done. After PostgreSQL was back, the first submission was acknowledged after ${firstOkAfterPg ? secs(firstOkAfterPg) : '—'} ` +
  `(the API's pool reconnected by itself); the last 503 came ${lastRefusedAt > pgBackAt ? secs(lastRefusedAt) : 'before'}: a retry of a request cut by the restart finds its ` +
  'Idempotency-Key claimed and not applied, and is answered 503 until the claim is taken over (30 s)');

// ---- afterwards: every acknowledged submission exactly once, nothing else
const rows = (await owner().query(
  `select count(*)::int n, count(distinct id)::int d from health_checks where tenant_id = $1 and kind = 'self' and person_id = any($2::bigint[]) and created_at >= $3`,
  [tenantId, personIds, since],
)).rows[0] as { n: number; d: number };
const ids = [...acknowledged.values()].filter((id) => id > 0);
const found = (await owner().query('select count(*)::int n from health_checks where tenant_id = $1 and id = any($2::bigint[])', [tenantId, ids])).rows[0].n as number;
const expected = PHONES * REPORTS;
const ok = acknowledged.size === expected && rows.n === expected && rows.d === expected && found === ids.length && !answers.has('500') && ![...answers.keys()].some((k) => k.includes('WITHOUT'));
for (const e of events) log(e);
log(`answers: ${JSON.stringify(Object.fromEntries(answers))}`);
log(`acknowledged ${acknowledged.size} of ${expected}; rows in the database ${rows.n} (${rows.d} distinct); acknowledged ids found ${found} of ${ids.length} → ${ok ? 'EXACTLY ONCE' : 'FAILED'}`);

const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
const section = [
  '## Faults under load (bench/faults.ts)',
  '',
  `${new Date().toISOString().slice(0, 10)}: ${PHONES} phones × ${REPORTS} self-reports (one after another, 100 ms apart; no answer or a 5xx retried every 250 ms with the same Idempotency-Key) on a demo-size city, while the faults below happened one after another. Machine: ${machine}. Command: \`eval "$(.ci/postgis-cluster.sh /tmp/pg-fault 55445 | sed 's/^/export /')" && BENCH_PGDATA=/tmp/pg-fault npx tsx bench/faults.ts\`.`,
  '',
  ...events.map((e) => `- ${e}`),
  '',
  '| answer | count |',
  '|---|---|',
  ...[...answers.entries()].sort().map(([k, v]) => `| ${k} | ${v} |`),
  '',
  `Acknowledged ${acknowledged.size} of ${expected} submissions (${acknowledged.size - ids.length} answered "applied" on a retry: their first request had committed and its answer was lost); ` +
    `the database holds ${rows.n} self-reports of these phones since the start (${rows.d} distinct), and every acknowledged id: **${ok ? 'each exactly once, no 500, every 503 with Retry-After' : 'FAILED'}**.`,
].join('\n');
console.log(section);
if (process.env.BENCH_WRITE !== '0') await writeSection('faults', section);
await server.close();
await runtime.close();
if (!ok) process.exit(1);
