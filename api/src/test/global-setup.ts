// One database for the whole test run: embedded PGlite in memory (default) or the PostGIS
// server named by TEST_DATABASE_URL (+ TEST_DATABASE_OWNER_URL). Each test file then works in
// tenants of its own, so files can run in parallel.
import type { TestProject } from 'vitest/node';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { syncPermissions } from '../auth/seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dbUrl: string;
    dbOwnerUrl: string;
    dbMode: 'embedded' | 'server';
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  const ownerUrl = process.env.TEST_DATABASE_OWNER_URL ?? url;
  let db: Database;
  if (url) {
    db = await openDatabase({ databaseUrl: url, databaseOwnerUrl: ownerUrl, poolSize: 2 });
  } else {
    db = await openDatabase({ poolSize: 2 });
  }
  await migrate(db.ownerPool);
  await syncPermissions(db.ownerPool);
  // In embedded mode the socket URL is the database for every test worker.
  const socketUrl = (db.pool.options as { connectionString: string }).connectionString;
  project.provide('dbUrl', url ?? socketUrl);
  project.provide('dbOwnerUrl', ownerUrl ?? socketUrl);
  project.provide('dbMode', db.mode);
  console.log(`[tests] database: ${db.mode}${url ? ` ${url.replace(/:[^:@/]*@/, ':***@')}` : ''}`);
  return async () => {
    await db.close();
  };
}
