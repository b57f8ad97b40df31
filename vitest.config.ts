import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['api/src/**/*.test.ts', 'geodata/src/**/*.test.ts'],
    globalSetup: ['api/src/test/global-setup.ts'],
    // The embedded database is one PGlite session: its clients are serialised per process (see
    // serializeClients), so the test files share one process there; a server runs them in parallel.
    fileParallelism: Boolean(process.env.TEST_DATABASE_URL),
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
