import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase, type Database } from './database.ts';
import { SQL_DIR, migrate } from './migrate.ts';

let db: Database;
beforeAll(async () => {
  db = await openDatabase({ databaseUrl: inject('dbOwnerUrl'), poolSize: 1 });
});
afterAll(() => db?.close());

describe('migrator', () => {
  it('is a no-op when everything is applied, and reapplies functions', async () => {
    const r = await migrate(db.ownerPool);
    expect(r.applied).toEqual([]);
    expect(r.functions).toContain('auth.sql');
  });

  it('refuses to run when a landed migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gec-sql-'));
    cpSync(SQL_DIR, dir, { recursive: true });
    appendFileSync(join(dir, 'migrations/0002_jurisdictions.sql'), '\n-- edited\n');
    await expect(migrate(db.ownerPool, dir)).rejects.toThrow(/0002_jurisdictions.sql was edited after it was applied/);
  });

  it('refuses a database that has migrations the code does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gec-sql-'));
    cpSync(SQL_DIR, dir, { recursive: true });
    rmSync(join(dir, 'migrations/0006_row_level_security.sql'));
    await expect(migrate(db.ownerPool, dir)).rejects.toThrow(/does not know: 0006/);
  });
});
