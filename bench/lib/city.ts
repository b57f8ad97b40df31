// The benchmark city: city-L in a real PostGIS (generated when missing), its 1M health checks, and
// bench accounts (the demo roles with a `bench_` prefix). Shared by the bench/ scripts.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { generateCity, insertHealthChecks, SIZES } from '../../geodata/src/generate/index.ts';
import { buildApp } from '../../api/src/app.ts';
import { seedDemoAccounts, DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import { loadConfig } from '../../api/src/config.ts';
import type { AppContext } from '../../api/src/context.ts';
import { startRuntime, type Runtime } from '../../api/src/runtime.ts';
import * as q from '../queries.ts';

export const BENCH_PREFIX = 'bench_';

export interface BenchCity {
  runtime: Runtime;
  app: AppContext;
  tenantId: number;
  tenantCode: string;
  counts: { grids: number; households: number; persons: number; health_checks: number; tasks: number };
  versions: { pg: string; postgis: string };
}

const log = (msg: string) => console.error(`[bench] ${msg}`);

/** Opens the server database of DATABASE_URL and makes sure city-L, its checks and the bench accounts exist. */
export async function openBenchCity(tenantCode = process.env.BENCH_TENANT ?? 'citylbench'): Promise<BenchCity> {
  if (!process.env.DATABASE_URL) {
    throw new Error('benchmarks run against a real PostGIS: set DATABASE_URL and DATABASE_OWNER_URL (see .ci/postgis-cluster.sh)');
  }
  const config = { ...loadConfig(), logLevel: process.env.LOG_LEVEL ?? 'warn' };
  const runtime = await startRuntime(config);
  const { app } = runtime;
  const owner = app.db.ownerPool;
  const one = async <T>(s: { toQuery(): { text: string; values: unknown[] } }) => (await owner.query(s.toQuery())).rows[0] as T;
  let tenant = await one<{ id: number } | undefined>(q.tenantByCode(tenantCode));
  if (!tenant) {
    log(`generating city-L as tenant ${tenantCode} (about 5-7 minutes)`);
    const r = await generateCity(app.db, { tenantCode, tenantName: '基准市', size: 'city-L', cipher: app.cipher, log });
    tenant = { id: r.tenantId };
  }
  const tenantId = Number(tenant.id);
  let counts = await one<BenchCity['counts']>(q.tableCounts(tenantId));
  if (counts.health_checks === 0) {
    log('generating health checks (10 per person)');
    const t0 = performance.now();
    await insertHealthChecks(owner, tenantId, SIZES['city-L'].checksPerPerson);
    await owner.query('analyze health_checks');
    log(`health checks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    counts = await one<BenchCity['counts']>(q.tableCounts(tenantId));
  }
  if ((await one<{ n: number }>(q.userCount(tenantId, BENCH_PREFIX))).n === 0) {
    await seedDemoAccounts(owner, tenantId, BENCH_PREFIX);
  }
  const versions = await one<{ pg: string; postgis: string }>(q.serverVersions);
  return { runtime, app, tenantId, tenantCode, counts, versions };
}

/** The real HTTP app on a free port. */
export async function listen(app: AppContext): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server: Server = buildApp(app).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Signs in a bench account and returns its session cookie. */
export async function benchLogin(baseUrl: string, tenantCode: string, role: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_PREFIX + role, password: DEMO_PASSWORD, tenant: tenantCode }),
  });
  if (res.status !== 200) throw new Error(`login ${role}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  await res.arrayBuffer();
  return cookie;
}
