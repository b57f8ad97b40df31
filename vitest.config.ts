import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['api/src/**/*.test.ts', 'geodata/src/**/*.test.ts'],
    globalSetup: ['api/src/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
