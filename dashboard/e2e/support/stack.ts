// What a browser test needs: the built dashboard, the real API on a free port on the test database
// (api/src/test/harness.ts: embedded PGlite or TEST_DATABASE_URL), a demo city with its demo
// accounts, and chromium.
import type { Config } from '../../../api/src/config.ts';
import { createTestApp, type Client, type TestApp } from '../../../api/src/test/harness.ts';
import { ensureDashboardBuilt } from './build.ts';
import { createDemoCity, type DemoCity } from './demo-city.ts';

export { ARTIFACTS } from './build.ts';

export interface Stack {
  t: TestApp;
  city: DemoCity;
  baseUrl: string;
  /** Logs in `${city.prefix}${name}` through the API (a cookie-keeping client). */
  login(name: string): Promise<Client>;
  username(name: string): string;
  close(): Promise<void>;
}

/** `overrides`: settings a test needs other than the test defaults (e.g. the second factor required of administrators). */
export async function startStack(overrides: Partial<Config> = {}): Promise<Stack> {
  await ensureDashboardBuilt();
  const t = await createTestApp(overrides);
  try {
    const city = await createDemoCity(t.app.db, t.app.cipher);
    return {
      t,
      city,
      baseUrl: t.baseUrl,
      login: (name) => t.login(city.prefix + name),
      username: (name) => city.prefix + name,
      async close() {
        await city.remove().catch(() => {});
        await t.close();
      },
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}
