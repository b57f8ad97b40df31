// Sign-in timing by what a name is (issue 13, defect 5): an attacker timing wrong-password answers
// must not learn whether a name is unknown, known, disabled, or exists in several tenants. Over
// HTTP, interleaved rounds, each attempt from an address of its own (behind a trusted proxy) so the
// throttles never answer instead of the password check. Any database:
//   npx tsx bench/login.ts                 # BENCH_ROUNDS=60 BENCH_WRITE=0
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';

process.env.TRUST_PROXY ??= '127.0.0.1';
const { loadConfig } = await import('../api/src/config.ts');
const { startRuntime } = await import('../api/src/runtime.ts');
const { hashPassword } = await import('../api/src/auth/password.ts');
const { createFixture } = await import('../api/src/test/fixture.ts');
const { listen } = await import('./lib/city.ts');
const { median, percentile, writeSection } = await import('./lib/measure.ts');
const q = await import('./queries.ts');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const log = (msg: string) => console.error(`[bench] ${msg}`);

const runtime = await startRuntime({ ...loadConfig(), logLevel: 'fatal' });
const server = await listen(runtime.app);
const owner = runtime.app.db.ownerPool;
const a = await createFixture(owner, 'lgn');
const b = await createFixture(owner, 'lgn');
const c = await createFixture(owner, 'lgn');
const hash = await hashPassword('Other-pass9');
// a name of tenant a that tenant b has too, and one that tenants b and c have too
await owner.query(q.twinUser(b.tenantId, `${a.prefix}street`, hash).toQuery());
await owner.query(q.twinUser(b.tenantId, `${a.prefix}community`, hash).toQuery());
await owner.query(q.twinUser(c.tenantId, `${a.prefix}community`, hash).toQuery());
await owner.query(q.disableUser(a.tenantId, `${a.prefix}doctor`).toQuery());

const cases: [string, string][] = [
  ['unknown name', `${a.prefix}nobody`],
  ['known name, one tenant', `${a.prefix}gridworker`],
  ['disabled name', `${a.prefix}doctor`],
  ['name in two tenants', `${a.prefix}street`],
  ['name in three tenants', `${a.prefix}community`],
];
const run = randomBytes(8).toString('hex').match(/.{4}/g)!.join(':');
let n = 0;
async function attempt(username: string): Promise<number> {
  const ip = `2001:db8:${run}:${(n++).toString(16)}:1`;
  const t0 = performance.now();
  const r = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ username, password: 'Wrong-pass1' }),
  });
  const body = await r.text();
  const ms = performance.now() - t0;
  if (r.status !== 401) throw new Error(`${username}: ${r.status} ${body}`);
  return ms;
}

for (const [, name] of cases) await attempt(name); // warm-up
const times = new Map(cases.map(([label]) => [label, [] as number[]]));
for (let i = 0; i < ROUNDS; i++) for (const [label, name] of cases) times.get(label)!.push(await attempt(name));

const fmt = (x: number) => x.toFixed(1);
const rows = cases.map(([label]) => {
  const xs = times.get(label)!;
  return `| ${label} | ${fmt(median(xs))} | ${fmt(percentile(xs, 90))} |`;
});
const medians = cases.map(([label]) => median(times.get(label)!));
const spread = Math.max(...medians) / Math.min(...medians);
const report = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model.trim()}, ${process.env.DATABASE_URL ? 'PostGIS server' : 'embedded PGlite'}; \`npx tsx bench/login.ts\`, ${ROUNDS} interleaved rounds of wrong-password sign-ins over HTTP, each from an address of its own.

| name typed | median ms | p90 ms |
|---|---:|---:|
${rows.join('\n')}

Slowest median / fastest median: ${spread.toFixed(2)}.`;
console.log(report);
if (process.env.BENCH_WRITE !== '0') await writeSection('login', report);
await server.close();
await runtime.close();
log('done');
