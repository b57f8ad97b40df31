import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // dashboard/e2e: browser tests of the command center (playwright-core driving Debian's
    // /usr/bin/chromium; they fail, not skip, when it is missing — .ci/run installs it).
    include: ['api/src/**/*.test.ts', 'geodata/src/**/*.test.ts', 'dashboard/src/**/*.test.ts', 'dashboard/e2e/**/*.test.ts'],
    globalSetup: ['api/src/test/global-setup.ts'],
    // The embedded database is one PGlite session: its clients are serialised per process (see
    // serializeClients), so the test files share one process there; a server runs them in parallel.
    fileParallelism: Boolean(process.env.TEST_DATABASE_URL),
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
