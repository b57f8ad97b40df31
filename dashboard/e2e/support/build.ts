// Makes sure dashboard/dist is a build of the current sources (npm run build:dashboard). No vitest
// imports here: bench/dashboard.ts uses it too.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const DASHBOARD = join(ROOT, 'dashboard');
const DIST_INDEX = join(DASHBOARD, 'dist', 'index.html');

/** Newest modification time of the dashboard sources (not dist/ or the browser tests) and build config. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!(dir === DASHBOARD && ['dist', 'e2e', 'node_modules'].includes(entry.name))) walk(p);
      } else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(DASHBOARD);
  for (const f of ['vite.config.ts', 'package-lock.json']) if (existsSync(join(ROOT, f))) newest = Math.max(newest, statSync(join(ROOT, f)).mtimeMs);
  return newest;
}

/**
 * Builds the dashboard with `npm run build:dashboard` unless dashboard/dist is newer than every
 * source. A lock directory keeps parallel test workers (server mode) from building at once.
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
  if (!scripts['build:dashboard']) throw new Error('package.json has no "build:dashboard" script: the command center cannot be built');
  mkdirSync(ARTIFACTS, { recursive: true });
  const lock = join(ARTIFACTS, '.dashboard-build.lock');
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker builds; a lock older than 5 minutes is a leftover of a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= newestSource()) return;
    try {
      // A production build whatever the caller's NODE_ENV (vitest sets "test", which would make
      // import.meta.env.PROD false and drop the field app's service worker).
      await run('npm', ['run', 'build:dashboard'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 300_000, env: { ...process.env, NODE_ENV: 'production' } });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`npm run build:dashboard failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
    if (!existsSync(DIST_INDEX)) throw new Error(`npm run build:dashboard did not write ${DIST_INDEX}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
