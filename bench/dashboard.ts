// Command center on city-L (issue 5): how long from navigation to the first drawn data layer and to
// the map's data-ready (choropleth + heatmap drawn) for the commander at /command in headless
// chromium, the slowest API calls of that load, and frame times during a scripted pan and zoom.
// Not a test: numbers depend on the machine. Run against a real PostGIS holding city-L:
//   DATABASE_URL=postgres://gec_login:…@127.0.0.1:55432/gec DATABASE_OWNER_URL=postgres://gec_owner:…@127.0.0.1:55432/gec \
//     npx tsx bench/dashboard.ts          # BENCH_RUNS=7 BENCH_TENANT=citylbench BENCH_WRITE=1 BENCH_PROFILE=1 BENCH_VIEWPORT=1920x1080
// It builds the dashboard if stale, starts the API in this process (bench/lib/city.ts: migrations,
// city-L and the bench_ accounts made when missing), prints the tables and, unless BENCH_WRITE=0,
// replaces its section of docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../api/src/auth/seed.ts';
import { chromiumBinary, launchBrowser } from '../dashboard/e2e/support/browser.ts';
import { ARTIFACTS, ensureDashboardBuilt } from '../dashboard/e2e/support/build.ts';
import { join } from 'node:path';
import { BENCH_PREFIX, listen, openBenchCity } from './lib/city.ts';
import { bumpTileVersion } from './queries.ts';
import { median, p95, writeSection } from './lib/measure.ts';

const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 7));
const GOAL_MS = 3000;
const log = (msg: string) => console.error(`[bench] ${msg}`);

/** Installed before any page script: records when the map turns data-ready, and collects rAF deltas on demand. */
const INIT = `
(() => {
  const b = (window.__bench = { readyAt: null, frames: [], recording: false });
  new MutationObserver(() => {
    if (b.readyAt !== null) return;
    const m = document.querySelector('[data-testid="map"]');
    if (m && m.getAttribute('data-ready') === 'true') b.readyAt = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
  b.long = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) b.long.push([e.startTime, e.duration]); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  b.start = () => {
    b.frames = [];
    b.recording = true;
    let last = null;
    const tick = (t) => {
      if (!b.recording) return;
      if (last !== null) b.frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  b.stop = () => { b.recording = false; return b.frames; };
})();
`;

interface ApiCall {
  path: string;
  start: number;
  end: number;
  ms: number;
  kB: number;
}
interface Load {
  /** From navigation start (performance.timeOrigin), ms */
  firstLayer: number | null;
  ready: number;
  domContentLoaded: number;
  calls: ApiCall[];
  /** Static files (scripts, styles): the bundle the map waits for */
  assets: ApiCall[];
  /** The dashboard's own performance marks (gec:data = the view's data arrived, gec:ready = drawn) */
  marks: Record<string, number>;
  /** Main-thread tasks over 50 ms before data-ready: [start, duration] */
  longTasks: [number, number][];
  wallMs: number;
  run: number;
  /** The data version was bumped just before this load: the API's aggregate cache missed. */
  dataChanged: boolean;
}

function firstLayerMs(v: unknown, timeOrigin: number): number | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return v > 1e12 ? v - timeOrigin : v; // epoch ms or performance.now()
}

async function measureLoad(page: Page, baseUrl: string): Promise<Load> {
  const t0 = performance.now();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('response', (r) => r.status() >= 400 && errors.push(`HTTP ${r.status()} ${r.url()}`));
  const nav = await page.goto(`${baseUrl}/command`, { waitUntil: 'commit' });
  if (nav && nav.status() !== 200) {
    // static.ts answers 503 while dashboard/dist is missing, e.g. during a rebuild in a shared checkout.
    throw new Error(`GET /command answered ${nav.status()}${nav.status() === 503 ? ' (dashboard/dist missing: being rebuilt?)' : ''}`);
  }
  try {
    await page.waitForFunction(() => (window as any).__bench?.readyAt != null, undefined, { timeout: 120_000, polling: 50 });
  } catch (err) {
    const shot = join(ARTIFACTS, 'bench-dashboard-timeout.png');
    await page.screenshot({ path: shot }).catch(() => {});
    throw new Error(`the map never became data-ready (screenshot ${shot}):\n${errors.join('\n')}`, { cause: err });
  }
  const wallMs = performance.now() - t0;
  const r = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const all = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
      path: new URL(e.name).pathname + new URL(e.name).search,
      start: e.startTime,
      end: e.responseEnd,
      ms: e.responseEnd - e.startTime,
      kB: (e.transferSize || e.encodedBodySize) / 1024,
    }));
    const calls = all.filter((e) => e.path.startsWith('/api/'));
    const assets = all.filter((e) => e.path.startsWith('/assets/'));
    const marks: Record<string, number> = {};
    for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('gec:') && !(m.name in marks)) marks[m.name] = m.startTime;
    const readyAt = (window as any).__bench.readyAt as number;
    const longTasks = ((window as any).__bench.long as [number, number][]).filter(([t]) => t < readyAt);
    return {
      assets,
      marks,
      longTasks,
      firstLayerAt: (window as any).__gec?.firstLayerAt,
      timeOrigin: performance.timeOrigin,
      ready: (window as any).__bench.readyAt as number,
      domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
      calls,
    };
  });
  return {
    firstLayer: firstLayerMs(r.firstLayerAt, r.timeOrigin),
    ready: r.ready,
    domContentLoaded: r.domContentLoaded,
    calls: r.calls,
    assets: r.assets,
    marks: r.marks,
    longTasks: r.longTasks,
    wallMs,
    run: 0,
    dataChanged: false,
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

/** Self time per function of a CPU profile (CDP Profiler), largest first. */
function selfTimes(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, top = 15): string[] {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFn = new Map<string, number>();
  for (const n of profile.nodes) {
    const ms = byNode.get(n.id) ?? 0;
    if (!ms) continue;
    const f = n.callFrame;
    const file = f.url ? f.url.replace(/^https?:\/\/[^/]+/, '') : '';
    const key = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  return [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => `${ms.toFixed(0).padStart(6)} ms  ${k}`);
}

/** Drags the map around and zooms in and out with the wheel, like a person would, collecting frame deltas. */
async function panAndZoom(page: Page): Promise<number[]> {
  const box = (await page.locator('[data-testid="map"]').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  await page.evaluate(() => (window as any).__bench.start());
  const drag = async (dx: number, dy: number) => {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) {
      await page.mouse.move(cx + (dx * i) / 30, cy + (dy * i) / 30);
      await frame();
    }
    await page.mouse.up();
  };
  const wheel = async (dy: number, times: number) => {
    for (let i = 0; i < times; i++) {
      await page.mouse.move(cx, cy);
      await page.mouse.wheel(0, dy);
      for (let k = 0; k < 6; k++) await frame();
    }
  };
  await drag(-400, -150);
  await wheel(-240, 5); // zoom in
  await drag(300, 200);
  await wheel(240, 5); // zoom out
  await drag(100, -50);
  // Let the reloads after the last move land, then a second of idle frames.
  await page.waitForFunction(() => document.querySelector('[data-testid="map"]')?.getAttribute('data-ready') === 'true', undefined, { timeout: 60_000 });
  for (let k = 0; k < 60; k++) await frame();
  return page.evaluate(() => (window as any).__bench.stop() as number[]);
}

const f0 = (x: number | null | undefined) => (x == null || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US'));
const f1 = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(1));

// ---------------------------------------------------------------------------------------------

const loadBefore = loadavg()[0];
log('building the dashboard if stale');
await ensureDashboardBuilt();
const city = await openBenchCity();
const http = await listen(city.app);
const [vw, vh] = (process.env.BENCH_VIEWPORT ?? '1920x1080').split('x').map(Number);
if (!(vw > 0 && vh > 0)) throw new Error('BENCH_VIEWPORT must look like 1920x1080');
const browser = await launchBrowser({ width: vw, height: vh });
const PROFILE = process.env.BENCH_PROFILE !== '0';
let profileLines: string[] = [];
const loads: Load[] = [];
const failures: string[] = [];
let frames: number[] = [];
try {
  await browser.context.addInitScript({ content: INIT });
  const page0 = browser.context.pages()[0] ?? (await browser.context.newPage());
  const login = await page0.request.post(`${http.baseUrl}/api/auth/login`, {
    data: { username: `${BENCH_PREFIX}commander`, password: DEMO_PASSWORD, tenant: city.tenantCode },
  });
  if (login.status() !== 200) throw new Error(`login: ${login.status()} ${await login.text()}`);
  for (let i = 0; i < RUNS; i++) {
    // Warm loads alternate: after a write (as in an outbreak, where reports keep coming, every
    // cached choropleth and heatmap is stale) and with the same data (the API's cache answers).
    const dataChanged = i % 2 === 1;
    if (dataChanged) await city.app.db.ownerPool.query(bumpTileVersion(city.tenantId).toQuery());
    const page = await browser.context.newPage();
    let load: Load;
    try {
      load = await measureLoad(page, http.baseUrl);
    } catch (err) {
      // Recorded, not hidden: a load that never got drawn is part of the result.
      failures.push(`run ${i + 1}: ${(err as Error).message.split('\n').slice(0, 3).join(' ')}`);
      log(failures[failures.length - 1]);
      await page.close();
      continue;
    }
    load.run = i + 1;
    load.dataChanged = dataChanged;
    loads.push(load);
    log(`run ${i + 1}${dataChanged ? ' (data changed)' : ''}: first layer ${f0(load.firstLayer)} ms, data-ready ${f0(load.ready)} ms, ${load.calls.length} API calls`);
    log(`  marks ${Object.entries(load.marks).map(([k, v]) => `${k} ${f0(v)}`).join(', ')}; assets end ${f0(Math.max(0, ...load.assets.map((a) => a.end)))}`);
    log(`  calls ${load.calls.map((c) => `${c.path.split('?')[0]} ${f0(c.start)}–${f0(c.end)}`).join(', ')}`);
    log(`  long tasks ${load.longTasks.map(([t, d]) => `${f0(d)}@${f0(t)}`).join(', ')}`);
    if (i === RUNS - 1) frames = await panAndZoom(page);
    await page.close();
  }
  if (!frames.length) {
    // The last counted load failed: pan and zoom on one more (uncounted) load.
    const page = await browser.context.newPage();
    await measureLoad(page, http.baseUrl);
    frames = await panAndZoom(page);
    await page.close();
  }
  if (PROFILE) {
    // One more (warm) load, not counted: a CPU profile of the page's main thread until data-ready.
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
    const load = await measureLoad(page, http.baseUrl);
    const { profile } = await cdp.send('Profiler.stop');
    profileLines = selfTimes(profile as never, 8);
    log(`profiled load: data-ready ${f0(load.ready)} ms`);
    await page.close();
  }
} finally {
  await browser.close();
  await http.close();
  await city.runtime.close();
}

// ---------------------------------------------------------------------------------------------

if (!loads.length) throw new Error(`no load became data-ready:\n${failures.join('\n')}`);
const first = loads[0];
const warm = loads.slice(1);
const warmChanged = warm.filter((l) => l.dataChanged);
const warmSame = warm.filter((l) => !l.dataChanged);
const longSum = (l: Load) => l.longTasks.reduce((n, [, d]) => n + d, 0);
const medOf = (xs: (number | null)[]) => median(xs.filter((x): x is number => x != null));
const slowest = [...first.calls].sort((a, b) => b.ms - a.ms).slice(0, 8);
const warmSlowest = [...loads[loads.length - 1].calls].sort((a, b) => b.ms - a.ms).slice(0, 5);
const long = frames.filter((d) => d > 50).length;
const chromiumVersion = execFileSync((await chromiumBinary()).path, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const debian = readFileSync('/etc/debian_version', 'utf8').trim();
const date = new Date().toISOString().slice(0, 10);
const met = first.ready <= GOAL_MS;
const loadAfter = loadavg()[0];
const dataEnd = (l: Load) => Math.max(0, ...l.calls.filter((c) => /^\/api\/stats\/(choropleth|heatmap)\?/.test(c.path)).map((c) => c.end));
const where = (l: Load) =>
  `the map's choropleth and heatmap responses had ended at ${f0(dataEnd(l))} ms, data-ready came at ${f0(l.ready)} ms: ` +
  `${f0(l.ready - dataEnd(l))} ms after the data (${Math.round((100 * Math.max(0, l.ready - dataEnd(l))) / l.ready)} % of the load) went to the page's main thread ` +
  `(long tasks ${f0(longSum(l))} ms in all)`;
const bigTasks = [...first.longTasks].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([t, d]) => `${f0(d)} ms at ${f0(t)} ms`).join(', ');

const bundleEnd = (l: Load) => Math.max(0, ...l.assets.map((a) => a.end));
const firstApi = (l: Load) => Math.min(...l.calls.map((c) => c.start));
const row = (label: string, f: (l: Load) => number | null, bold = false) => {
  const b = bold ? '**' : '';
  const cell = (x: number | null) => (x == null || Number.isNaN(x) ? '–' : `${b}${f0(x)} ms${b}`);
  return `| ${label} | ${cell(f(first))} | ${cell(medOf(warmChanged.map(f)))} | ${cell(medOf(warmSame.map(f)))} |`;
};
const verdict = (ls: Load[]) => {
  if (!ls.length) return 'not measured';
  const ready = ls.map((l) => l.ready);
  return `${ready.every((r) => r <= GOAL_MS) ? 'met' : 'missed'} (${ready.map((r) => f0(r)).join(', ')} ms)`;
};
const kB = (l: Load | undefined) => (l ? `${l.calls.length} / ${f0(l.calls.reduce((n, c) => n + c.kB, 0))}` : '–');
const loadTable = [
  `| navigation → | ${first.run === 1 ? 'first load after API start (cold browser and API)' : `first successful load (run ${first.run})`} | warm browser, data changed just before (median of ${warmChanged.length}) | warm browser, same data (median of ${warmSame.length}) |`,
  '|---|---|---|---|',
  row('DOMContentLoaded', (l) => l.domContentLoaded),
  row('scripts and styles loaded (last /assets/ response)', bundleEnd),
  row('first API request starts', firstApi),
  row('map took the first view\'s data asked for before it existed (`gec:view-primed`)', (l) => l.marks['gec:view-primed'] ?? null),
  row('map created (`gec:map-created`)', (l) => l.marks['gec:map-created'] ?? null),
  row('data of the first view arrived (`gec:data` mark)', (l) => l.marks['gec:data'] ?? null),
  row('main-thread long tasks before data-ready (sum)', longSum),
  row('first data layer drawn (`__gec.firstLayerAt`)', (l) => l.firstLayer),
  row('map `data-ready` (choropleth + heatmap drawn)', (l) => l.ready, true),
  `| API calls / kB transferred | ${kB(first)} | ${kB(warmChanged.at(-1))} | ${kB(warmSame.at(-1))} |`,
].join('\n');
const callTable = (calls: ApiCall[]) =>
  ['| API call | starts at | ends at | duration | kB |', '|---|---|---|---|---|', ...calls.map((c) => `| \`${c.path.length > 90 ? c.path.slice(0, 87) + '…' : c.path}\` | ${f0(c.start)} ms | ${f0(c.end)} ms | ${f0(c.ms)} ms | ${f1(c.kB)} |`)].join('\n');
const frameTable = [
  '| frames | median | p95 | max | frames > 50 ms |',
  '|---|---|---|---|---|',
  `| ${frames.length} | ${f1(median(frames))} ms | ${f1(p95(frames))} ms | ${f1(Math.max(...frames))} ms | ${long} (${f1((100 * long) / Math.max(1, frames.length))} %) |`,
].join('\n');

console.log(`\nCommand center on city-L (${city.counts.grids} grids, ${city.counts.households} households, ${city.counts.persons} persons)\n`);
console.log(loadTable);
console.log(`\nWhere the time goes: first load: ${where(first)}`);
console.log(`\nLargest main-thread tasks of the first load: ${bigTasks || 'none'}`);
if (profileLines.length) console.log(`\nCPU profile of an extra warm load until data-ready, self time per function:\n${profileLines.join('\n')}`);
console.log(`\nSlowest API calls of the first load:\n${callTable(slowest)}`);
console.log(`\nSlowest API calls of the last (warm) load:\n${callTable(warmSlowest)}`);
console.log(`\nFrame times during the scripted pan and zoom (requestAnimationFrame deltas):\n${frameTable}`);
console.log(`\nGoal (first map with choropleth and heatmap within ${GOAL_MS / 1000} s): ${met ? 'met' : 'MISSED'} on the first load; warm after a data change ${verdict(warmChanged)}; warm, same data ${verdict(warmSame)}`);

const section = `## Command center on city-L — ${date}

\`DATABASE_URL=… DATABASE_OWNER_URL=… npx tsx bench/dashboard.ts\` (BENCH_RUNS=${RUNS}): the commander
(\`${BENCH_PREFIX}commander\`, whole city) opens \`/command\` in headless ${chromiumVersion} (SwiftShader
WebGL, ${vw}×${vh}, launch options of dashboard/e2e/support/browser.ts) against the API in the
script's process on city-L in PostgreSQL ${city.versions.pg} + PostGIS ${city.versions.postgis}
(${city.counts.grids.toLocaleString('en-US')} grids, ${city.counts.households.toLocaleString('en-US')} households, ${city.counts.persons.toLocaleString('en-US')} persons). Machine: ${cpus().length} cores,
${Math.round(totalmem() / 2 ** 30)} GiB, Debian ${debian}, Node ${process.version.slice(1)}; chromium, the API and PostgreSQL share the cores
(1-minute load average ${loadBefore.toFixed(1)} before the run, ${loadAfter.toFixed(1)} after: the machine is shared with other work).
Times are from navigation start (\`performance.timeOrigin\`). The first load comes right after
the API started (cold caches in the API and the browser). The warm loads reuse the browser and
alternate: every other one follows a bump of the tenant's data version, as any write does (then
the API's cached choropleth and heatmap are stale and PostGIS computes them again), and the
others repeat the same data (the API answers from its cache).

${loadTable}

Goal of issue 5 — first map with choropleth and heatmap within 3 s: **${met ? 'met' : 'missed'}** on the first load
(${f0(first.ready)} ms); ${verdict(warmChanged)} with a warm browser after a data change; ${verdict(warmSame)} with a warm browser and the same data.

Where the time goes: on the first load ${where(first)}; on the last warm load ${where(loads[loads.length - 1])}.

The browser here has no GPU: chromium draws WebGL in software (SwiftShader, through ANGLE's
Vulkan back end) on the same two cores as the API and PostgreSQL. Each composited frame reads the
map's canvas back, and that readback waits for SwiftShader to finish: compiling a pipeline the
first time a shader program is drawn (hundreds of milliseconds each on a fresh browser), then
rasterising. That is most of the native \`(program)\` time below, and of the frame times while
panning (see "Where the command center's first seconds go" below the table).

${failures.length ? `**${failures.length} of ${RUNS} loads never became data-ready** (not counted above):\n\n${failures.map((f) => `- ${f}`).join('\n')}\n\n` : ''}Largest main-thread tasks of the first load before data-ready: ${bigTasks || 'none'}.

${profileLines.length ? `CPU profile of one more warm load until data-ready (CDP Profiler, self time per function;
\`(program)\` is native time outside JavaScript, mostly synchronous WebGL calls into SwiftShader):

\`\`\`
${profileLines.join('\n')}
\`\`\`
` : ''}
Slowest API calls of the first load (network waterfall, times from navigation start):

${callTable(slowest)}

Frame times while dragging the map three times and zooming in and out five wheel steps each
(\`requestAnimationFrame\` deltas in the page, including the data reloads after each move):

${frameTable}
`;

console.log(`\n${section}`);
if (process.env.BENCH_WRITE !== '0') await writeSection('dashboard', section);
process.exit(0);
