// `npm start` runs this first: builds the dashboard (vite build) when dashboard/dist is missing or
// older than its sources, so `npm install && npm start` serves a current command center.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const DASHBOARD = join(ROOT, 'dashboard');
const DIST_INDEX = join(DASHBOARD, 'dist', 'index.html');
const SKIP = new Set(['dist', 'e2e', 'node_modules']);

function newestSource(dir = DASHBOARD): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!(dir === DASHBOARD && SKIP.has(entry.name))) newest = Math.max(newest, newestSource(p));
    } else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const configs = ['vite.config.ts', 'package-lock.json'].map((f) => join(ROOT, f)).filter(existsSync);
const sources = Math.max(newestSource(), ...configs.map((f) => statSync(f).mtimeMs));
const built = existsSync(DIST_INDEX) ? statSync(DIST_INDEX).mtimeMs : 0;

if (built >= sources) {
  console.log('dashboard: dist is current');
} else {
  console.log(built ? 'dashboard: sources changed, building…' : 'dashboard: not built yet, building…');
  const started = Date.now();
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) {
    console.error('dashboard: build failed; the API starts anyway and / explains how to build');
    process.exitCode = 0;
  } else console.log(`dashboard: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
