// Opens the database, migrates, bootstraps the organisation data and (on a new embedded
// database) the demo city: everything server.ts and the tools need before serving.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { generateCity } from '../../geodata/src/generate/index.ts';
import { seedDemoAccounts, syncPermissions, type DemoAccount } from './auth/seed.ts';
import { seedDemoArticles } from './content/seed.ts';
import { demoUserCount, tenantCount } from './auth/seed-queries.ts';
import { createSmsProvider } from './citizens/sms.ts';
import { ConfigError, type Config } from './config.ts';
import type { AppContext } from './context.ts';
import { PiiCipher } from './crypto/pii.ts';
import { embeddedDirFor, openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';

export interface Runtime {
  app: AppContext;
  demoAccounts?: DemoAccount[];
  close(): Promise<void>;
}

export const DEMO_TENANT = { code: 'demo', name: '示范市' };

export async function startRuntime(config: Config): Promise<Runtime> {
  const log = pino({ level: config.logLevel });
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    databaseOwnerUrl: config.databaseOwnerUrl,
    embeddedDir: embeddedDirFor(config.dataDir),
    poolSize: config.poolSize,
  });
  try {
    const result = await migrate(db.ownerPool);
    if (result.applied.length) log.info({ applied: result.applied }, 'migrations applied');
    await syncPermissions(db.ownerPool);
    const cipher = new PiiCipher({ fieldKey: config.secrets.fieldKey, lookupKey: config.secrets.lookupKey });
    const app: AppContext = { db, config, log, cipher, sms: createSmsProvider(config, log) };
    let demoAccounts: DemoAccount[] | undefined;
    const tenants = (await db.ownerPool.query(tenantCount().toQuery())).rows[0].n as number;
    if (tenants === 0 && db.mode === 'embedded' && config.demoSeed && config.env !== 'production') {
      demoAccounts = await seedDemoCity(app);
    }
    const demoUsers = (await db.ownerPool.query(demoUserCount().toQuery())).rows[0].n as number;
    if (config.env === 'production' && demoUsers > 0) {
      throw new ConfigError(`NODE_ENV=production but ${demoUsers} demo accounts exist: delete them (users.is_demo) before serving`);
    }
    return { app, demoAccounts, close: () => db.close() };
  } catch (err) {
    await db.close();
    throw err;
  }
}

async function seedDemoCity(app: AppContext): Promise<DemoAccount[]> {
  const started = Date.now();
  const { tenantId, counts } = await generateCity(app.db, { tenantCode: DEMO_TENANT.code, tenantName: DEMO_TENANT.name, size: 'demo', cipher: app.cipher });
  const accounts = await seedDemoAccounts(app.db.ownerPool, tenantId);
  await seedDemoArticles(app.db.ownerPool, tenantId);
  writeFileSync(join(app.config.dataDir, 'demo-accounts.json'), JSON.stringify(accounts, null, 2) + '\n');
  app.log.info({ counts, ms: Date.now() - started }, 'demo city seeded');
  return accounts;
}

export function readDemoAccountsHint(dataDir: string): string | undefined {
  const f = join(dataDir, 'demo-accounts.json');
  return existsSync(f) ? f : undefined;
}
