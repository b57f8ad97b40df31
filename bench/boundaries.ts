// Boundary import at city scale (issue 11): city-L's current version (10,000 grids and the levels
// above) exported, uploaded again and validated, applied (every household and person re-derived),
// then a changed file (every grid renamed, 100 grids given new codes) validated and applied, and a
// rollback to the version before it. Through the real HTTP API as the bench admin; the city ends as
// it began. Writes the `boundaries` section of docs/benchmarks.md.
import { cpus, totalmem } from 'node:os';
import { benchLogin, listen, openBenchCity } from './lib/city.ts';
import { writeSection } from './lib/measure.ts';

const TARGET_VALIDATE_S = 15;
const TARGET_APPLY_S = 60;
const RECODED = 100;

type FC = { type: 'FeatureCollection'; features: { type: 'Feature'; properties: Record<string, any>; geometry: unknown }[] };

const log = (msg: string) => console.error(`[bench] ${msg}`);
const city = await openBenchCity();
const server = await listen(city.app);
const cookie = await benchLogin(server.baseUrl, city.tenantCode, 'admin');

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(server.baseUrl + path, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

async function json<T = any>(method: string, path: string, body?: unknown): Promise<{ body: T; ms: number }> {
  const r = await call(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 500)}`);
  return { body: JSON.parse(r.text) as T, ms: r.ms };
}

async function upload(fc: FC, name: string): Promise<{ body: any; ms: number; bytes: number }> {
  const data = Buffer.from(JSON.stringify(fc));
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), name);
  const t0 = performance.now();
  const res = await fetch(`${server.baseUrl}/api/boundaries/imports`, { method: 'POST', headers: { cookie }, body: form });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${text.slice(0, 500)}`);
  return { body: JSON.parse(text), ms, bytes: data.length };
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const summary = (r: any) =>
  `${r.counts.errors} errors, ${r.counts.warnings} warnings; diff +${r.diff.added.length} −${r.diff.removed.length} renamed ${r.diff.renamed.length} moved ${r.diff.moved.length} reshaped ${r.diff.reshaped}; ` +
  `households changing grid ${r.impact.households.changeGrid}, losing ${r.impact.households.loseGrid}`;

try {
  const versions = (await json<{ items: { id: number; number: number; current: boolean }[] }>('GET', '/api/boundaries/versions')).body.items;
  const start = versions.find((v) => v.current)!;
  log(`current version v${start.number}; exporting`);
  const exported = await call('GET', `/api/boundaries/versions/${start.id}/export`);
  const fc = JSON.parse(exported.text) as FC;
  const grids = fc.features.filter((x) => x.properties.level === 5).length;
  log(`export: ${fc.features.length} nodes (${grids} grids), ${(exported.text.length / 2 ** 20).toFixed(1)} MB in ${s(exported.ms)} s`);

  const same = await upload(fc, 'city-L.geojson');
  log(`validate unchanged: ${s(same.ms)} s — ${summary(same.body.report)}`);
  const applySame = await json('POST', `/api/boundaries/imports/${same.body.id}/apply`, { acceptWarnings: true });
  log(`apply unchanged: ${s(applySame.ms)} s — moved ${JSON.stringify(applySame.body.moved)}`);
  const base = applySame.body as { versionId: number; number: number };

  // Every grid renamed; RECODED grids (not the first, where the bench grid worker is scoped) get new codes.
  const gridFeatures = fc.features.filter((x) => x.properties.level === 5).sort((a, b) => String(a.properties.code).localeCompare(String(b.properties.code)));
  const recode = new Set(gridFeatures.slice(1).filter((_, k) => k % Math.max(1, Math.floor(gridFeatures.length / RECODED)) === 0).slice(0, RECODED).map((x) => x.properties.code));
  const changed: FC = {
    type: 'FeatureCollection',
    features: fc.features.map((x) =>
      x.properties.level !== 5 ? x : { ...x, properties: { ...x.properties, name: `${x.properties.name}（新）`, code: recode.has(x.properties.code) ? `${x.properties.code}N` : x.properties.code } }),
  };
  const edit = await upload(changed, 'city-L-changed.geojson');
  const r = edit.body.report;
  log(`validate changed: ${s(edit.ms)} s — ${summary(r)}; pinned ${r.pinned.users.length} accounts, ${r.pinned.openTasks} open tasks`);
  const preview = await call('GET', `/api/boundaries/imports/${edit.body.id}/features`);
  log(`preview map: ${(preview.text.length / 2 ** 20).toFixed(1)} MB of GeoJSON in ${s(preview.ms)} s`);
  const reassign = r.pinned.users.map((u: { id: number; code: string }) => ({ userId: u.id, code: `${u.code}N` }));
  const applyEdit = await json('POST', `/api/boundaries/imports/${edit.body.id}/apply`, { acceptWarnings: true, reassign });
  log(`apply changed: ${s(applyEdit.ms)} s — moved ${JSON.stringify(applyEdit.body.moved)}`);

  // Accounts moved to the new codes are pinned again by the rollback: they go back to their grids.
  const back = await json('POST', `/api/boundaries/versions/${base.versionId}/rollback`, {
    acceptWarnings: true,
    reassign: r.pinned.users.map((u: { id: number; code: string }) => ({ userId: u.id, code: u.code })),
  });
  log(`rollback: ${s(back.ms)} s — moved ${JSON.stringify(back.body.moved)}`);

  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, PostgreSQL ${city.versions.pg} + PostGIS ${city.versions.postgis}`;
  const met = (ms: number, target: number) => (ms / 1000 <= target ? `met (≤ ${target} s)` : `**missed** (goal ≤ ${target} s)`);
  const section = [
    `## Boundary import (bench/boundaries.ts) — ${date}`,
    '',
    `\`npx tsx bench/boundaries.ts\` against city-L (tenant \`${city.tenantCode}\`: ${city.counts.grids.toLocaleString('en')} grids, ` +
      `${city.counts.households.toLocaleString('en')} households, ${city.counts.persons.toLocaleString('en')} persons), through the HTTP API as the bench admin. Machine: ${machine}.`,
    '',
    '| step | time | what it did |',
    '|---|---|---|',
    `| export the current version | ${s(exported.ms)} s | ${fc.features.length.toLocaleString('en')} nodes, ${(exported.text.length / 2 ** 20).toFixed(1)} MB of GeoJSON |`,
    `| upload + validate it unchanged | ${s(same.ms)} s — ${met(same.ms, TARGET_VALIDATE_S)} | ${summary(same.body.report)} |`,
    `| apply it | ${s(applySame.ms)} s — ${met(applySame.ms, TARGET_APPLY_S)} | every household and person re-derived (app.rederive_grids); moved ${applySame.body.moved.households} households, ${applySame.body.moved.persons} persons |`,
    `| upload + validate a changed file | ${s(edit.ms)} s — ${met(edit.ms, TARGET_VALIDATE_S)} | every grid renamed, ${RECODED} grids with new codes: ${summary(r)} |`,
    `| its preview map (GET …/features) | ${s(preview.ms)} s | ${(preview.text.length / 2 ** 20).toFixed(1)} MB of GeoJSON: every uploaded node with its problems |`,
    `| apply it | ${s(applyEdit.ms)} s — ${met(applyEdit.ms, TARGET_APPLY_S)} | ${RECODED} grids removed and ${RECODED} inserted, ${r.pinned.users.length} accounts reassigned; moved ${applyEdit.body.moved.households} households, ${applyEdit.body.moved.persons} persons |`,
    `| roll back to the version before | ${s(back.ms)} s | validation of the stored copy and apply in one request; moved ${back.body.moved.households} households, ${back.body.moved.persons} persons |`,
    '',
    'Times are whole HTTP requests (upload and parsing included), one run each on a quiet machine.',
  ].join('\n');
  console.log(section);
  if (process.env.BENCH_WRITE !== '0') await writeSection('boundaries', section);
} finally {
  await server.close();
  await city.runtime.close();
}
