// Person import at scale (issue 12, §4.2.1): a generated 100,000-row workbook measured three ways —
// (a) parsing it alone with the import's own streaming reader, (b) a bare COPY of the same rows into
// a scratch table, (c) the full import through the HTTP API (upload, reading and checking every
// row, encryption, staging, the set-based checks and insert) as the bench admin. Goal: c ≤ 2 × (a + b),
// with the server's peak resident memory under 500 MB. The imported persons are deleted afterwards.
// Runs on its own demo-size city (tenant importbench, generated when missing; BENCH_TENANT to
// choose another). Writes the `import` section of docs/benchmarks.md (BENCH_WRITE=0 to skip).
//   eval "$(.ci/postgis-cluster.sh /tmp/pg 55432 | sed 's/^/export /')" && npx tsx bench/import.ts
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import ExcelJS from '../api/src/excel/exceljs.ts';
import { generateCity } from '../geodata/src/generate/index.ts';
import { seedDemoAccounts } from '../api/src/auth/seed.ts';
import { loadConfig } from '../api/src/config.ts';
import { readSheet } from '../api/src/person-data/reader.ts';
import { makeResidentId } from '../api/src/persons/idnumber.ts';
import { startRuntime } from '../api/src/runtime.ts';
import { BENCH_PREFIX, benchLogin } from './lib/city.ts';
import { writeSection } from './lib/measure.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const FILE = '/tmp/bench-import.xlsx';
const tenantCode = process.env.BENCH_TENANT ?? 'importbench';
const log = (msg: string) => console.error(`[bench] ${msg}`);
const s = (ms: number) => (ms / 1000).toFixed(1);

if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL and DATABASE_OWNER_URL (see .ci/postgis-cluster.sh)');
const runtime = await startRuntime({ ...loadConfig(), logLevel: 'warn' });
const { app } = runtime;
const owner = app.db.ownerPool;
let tenantId = (await owner.query('select id from tenants where code = $1', [tenantCode])).rows[0]?.id as number | undefined;
if (!tenantId) {
  log(`generating a demo-size city as tenant ${tenantCode}`);
  tenantId = (await generateCity(app.db, { tenantCode, tenantName: '导入基准市', size: 'demo', cipher: app.cipher, log })).tenantId;
}
if ((await owner.query('select count(*)::int n from users where tenant_id = $1 and username like $2', [tenantId, `${BENCH_PREFIX}%`])).rows[0].n === 0) {
  await seedDemoAccounts(owner, tenantId, BENCH_PREFIX);
}
const grids = (await owner.query(
  'select st_x(p) lon, st_y(p) lat from (select st_pointonsurface(geom) p from jurisdictions where tenant_id = $1 and level = 5) g', [tenantId])).rows as { lon: number; lat: number }[];

// 1. The workbook: realistic columns, unique valid ID numbers, points inside the city's grids.
const HEADERS = ['姓名', '证件号码', '电话', '性别', '隔离信息报送来源', '居家观察开始时间', '居家观察结束时间', '现住址', '经度', '纬度', '是否签署告知书', '来市交通方式', '同住人数'];
const t0 = performance.now();
const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: FILE, useSharedStrings: false, useStyles: false });
const ws = wb.addWorksheet('人员信息');
ws.addRow(HEADERS).commit();
const base = Date.UTC(1950, 0, 1);
for (let i = 0; i < ROWS; i++) {
  const sex = i % 2 ? 'female' : 'male';
  const birth = new Date(base + (i % 18_000) * 86_400_000).toISOString().slice(0, 10);
  const id = makeResidentId('420106', birth, Math.floor(i / 18_000) * 2 + (sex === 'male' ? 1 : 0), sex);
  const g = grids[i % grids.length];
  ws.addRow([
    `导入${i}`, id, `139${String(i).padStart(8, '0')}`, sex === 'male' ? '男' : '女', '网格排查', '2020-02-03', '2020/2/17',
    `基准市某路${i}号`, g.lon, g.lat, i % 3 ? '是' : '否', '火车', i % 5,
  ]).commit();
}
await ws.commit();
await wb.commit();
log(`workbook: ${ROWS.toLocaleString('en')} rows written in ${s(performance.now() - t0)} s`);
const data = await readFile(FILE);

// 2a. Parsing alone (the import's reader), keeping the values for the COPY.
const ta = performance.now();
const lines: string[] = [];
const text = (v: unknown) => (v == null ? '\\N' : String(v).replace(/[\\\t\n\r]/g, ' '));
for await (const row of readSheet(data, () => {})) lines.push(row.raw.slice(1).map(text).join('\t') + '\n');
const parseMs = performance.now() - ta;
log(`(a) parse: ${lines.length.toLocaleString('en')} rows in ${s(parseMs)} s`);

// 2b. A bare COPY of the same rows into a scratch table.
await owner.query(`drop table if exists bench_import_scratch; create unlogged table bench_import_scratch (${HEADERS.map((_, i) => `c${i} text`).join(', ')})`);
const tb = performance.now();
await app.db.copyText('bench_import_scratch', HEADERS.map((_, i) => `c${i}`), lines);
const copyMs = performance.now() - tb;
await owner.query('drop table bench_import_scratch');
lines.length = 0;
log(`(b) COPY: ${s(copyMs)} s`);

// 2c. The full import through the API, served by a process of its own (bench/lib/serve.ts) so that
// its peak resident memory (the kernel's VmHWM) is the server's alone, not the bench's workbook and
// values. BENCH_PROFILE=1 writes the server's CPU profile to /tmp/import-prof.
// BENCH_HEAPSNAP=1 writes a heap snapshot of the server (its live objects) when half the rows are read,
// to /tmp/import-heap (the snapshot pauses the server: not for timed runs).
const child = spawn(process.execPath, [
  ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/import-prof'] : []),
  ...(process.env.BENCH_HEAPSNAP ? ['--heapsnapshot-signal=SIGUSR2', '--diagnostic-dir=/tmp/import-heap'] : []),
  // as `npm start` runs the server (package.json)
  '--max-old-space-size=1024',
  '--import', 'tsx', 'bench/lib/serve.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'], env: process.env,
});
const { baseUrl } = JSON.parse(await new Promise<string>((resolve, reject) => {
  child.stdout!.once('data', (d: Buffer) => resolve(d.toString()));
  child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
})) as { baseUrl: string };
const peakOf = async () => Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024;
const rssBefore = await peakOf();
const cookie = await benchLogin(baseUrl, tenantCode, 'admin');
const tc = performance.now();
const form = new FormData();
form.append('mode', 'valid_rows');
form.append('file', new Blob([new Uint8Array(data)]), 'bench.xlsx');
const up = await fetch(`${baseUrl}/api/persons/imports`, { method: 'POST', headers: { cookie }, body: form });
const job = (await up.json()) as { id: number };
if (up.status !== 202) throw new Error(`upload: ${up.status} ${JSON.stringify(job)}`);
const phases: Record<string, number> = {};
let result: any;
let snapped = false;
for (;;) {
  result = await (await fetch(`${baseUrl}/api/persons/imports/${job.id}`, { headers: { cookie } })).json();
  phases[result.phase] ??= performance.now() - tc;
  if (result.done) break;
  if (process.env.BENCH_HEAPSNAP && !snapped && result.rowsRead >= ROWS / 2) {
    snapped = true;
    child.kill('SIGUSR2');
  }
  await new Promise((r) => setTimeout(r, 200));
}
const importMs = performance.now() - tc;
const peakRss = await peakOf();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
log(`(c) import: ${s(importMs)} s — ${JSON.stringify(result)}; server's peak RSS ${Math.round(peakRss / 2 ** 20)} MB (${Math.round(rssBefore / 2 ** 20)} MB before the upload)`);
if (result.written !== ROWS) log(`WARNING: ${result.written} of ${ROWS} rows written`);

// (b′) The same persons, as the import wrote them, into a table with persons' columns, 10 indexes and
// 3 foreign keys (no triggers, no row-level security), by one INSERT … SELECT from a copy in a temporary
// table: what PostgreSQL alone pays to add these rows to a live, indexed persons table, which the COPY
// of (b) into an unindexed scratch table does not.
const imported = `select person_id from person_events where tenant_id = $1 and kind = 'created' and changes->>'import' = $2`;
const columns = (await owner.query(`select string_agg(quote_ident(attname), ', ' order by attnum) c from pg_attribute
  where attrelid = 'persons'::regclass and attnum > 0 and not attisdropped and attgenerated = ''`)).rows[0].c as string;
await owner.query('drop table if exists bench_persons_copy');
await owner.query('create table bench_persons_copy (like persons including all)');
for (const f of (await owner.query(`select conname, pg_get_constraintdef(oid) def from pg_constraint where conrelid = 'persons'::regclass and contype = 'f'`)).rows) {
  await owner.query(`alter table bench_persons_copy add constraint ${f.conname}_bench ${f.def}`);
}
const src = await owner.connect();
await src.query(`create temp table bench_persons_src as select ${columns} from persons where tenant_id = $1 and id in (${imported})`, [tenantId, String(job.id)]);
const tb2 = performance.now();
await src.query(`insert into bench_persons_copy (${columns}) overriding system value select ${columns} from bench_persons_src`);
const indexedMs = performance.now() - tb2;
await src.query('drop table bench_persons_src');
src.release();
await owner.query('drop table bench_persons_copy');
log(`(b′) the same persons into an indexed persons-shaped table: ${s(indexedMs)} s`);

// Clean up: the imported persons and their live events go, and the tables are vacuumed, so that
// the next run starts from the same state (dead rows and a growing event log slowed repeated runs).
await owner.query(`delete from live_events where tenant_id = $1 and type = 'status' and (payload->>'personId')::bigint in (${imported})`, [tenantId, String(job.id)]);
await owner.query(`delete from persons where tenant_id = $1 and id in (${imported})`, [tenantId, String(job.id)]);
await owner.query('vacuum analyze persons, person_events, live_events');

const ratio = importMs / (parseMs + copyMs);
const load = loadavg().map((x) => x.toFixed(1)).join(' ');
const versions = (await owner.query(`select split_part(version(), ' ', 2) pg, postgis_lib_version() postgis`)).rows[0];
const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, PostgreSQL ${versions.pg} + PostGIS ${versions.postgis}`;
const section = [
  `## Person import (bench/import.ts)`,
  '',
  `${new Date().toISOString().slice(0, 10)}: a generated workbook of ${ROWS.toLocaleString('en')} rows × ${HEADERS.length} columns (${(data.length / 2 ** 20).toFixed(1)} MB), ` +
    `imported in valid_rows mode through the HTTP API as the bench admin of a demo-size city (${grids.length} grids). Machine: ${machine}. ` +
    `Load average at the end: ${load}${Number(load.split(' ')[0]) > 2.5 ? ' — NOT a quiet machine (the bench and its PostgreSQL alone keep it at 1.5-2), so times are pessimistic' : ' (the bench and its PostgreSQL alone)'}.`,
  '',
  '| step | time | goal |',
  '|---|---|---|',
  `| (a) parse alone (exceljs WorkbookReader, the import's reader) | ${s(parseMs)} s | |`,
  `| (b) bare COPY of the same rows into a scratch table | ${s(copyMs)} s | |`,
  `| (c) full import (upload → rows written) | ${s(importMs)} s | ≤ 2 × (a + b) = ${s(2 * (parseMs + copyMs))} s |`,
  `| ratio c / (a + b) | ${ratio.toFixed(2)} | ≤ 2 |`,
  `| (b′) the same ${result.written.toLocaleString('en')} persons as written, into a table with persons' 10 indexes and 3 foreign keys (one INSERT … SELECT, no triggers) | ${s(indexedMs)} s | |`,
  `| ratio c / (a + b′): against what the database alone pays for an indexed persons table | ${(importMs / (parseMs + indexedMs)).toFixed(2)} | (not the issue's goal) |`,
  `| peak RSS of the server process (VmHWM; ${Math.round(rssBefore / 2 ** 20)} MB before the upload) | ${Math.round(peakRss / 2 ** 20)} MB | < 500 MB |`,
  '',
  `Phases of (c), time from upload when first seen: ${Object.entries(phases).map(([k, v]) => `${k} ${s(v)} s`).join(', ')}. ` +
    `Rows written: ${result.written}, invalid: ${result.invalid}.`,
].join('\n');
console.log(section);
if (process.env.BENCH_WRITE !== '0') await writeSection('import', section);
await runtime.close();
