import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { startRuntime } from './runtime.ts';
import { createTestApp } from './test/harness.ts';
import { createFixture } from './test/fixture.ts';

const hex = 'cd'.repeat(32);

describe('start-up in production', () => {
  it('refuses to serve while demo accounts exist', async () => {
    const t = await createTestApp();
    await createFixture(t.app.db.ownerPool, 'rt'); // its accounts are demo accounts
    await t.close();
    const config = loadConfig({
      NODE_ENV: 'production', DATA_DIR: mkdtempSync(join(tmpdir(), 'gec-rt-')), DATABASE_URL: inject('dbUrl'), DATABASE_OWNER_URL: inject('dbOwnerUrl'),
      SESSION_SECRET: hex, FIELD_ENCRYPTION_KEY: hex, LOOKUP_HASH_KEY: hex, SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms.example.invalid/', LOG_LEVEL: 'silent',
    });
    const err = await startRuntime(config).then(
      async (r) => {
        await r.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/demo accounts exist/);
  });
});
