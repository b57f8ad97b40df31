// Backup and restore (issue 13): a database with a tenant, its organisation and an audit chain is
// dumped and restored into a new database (server: pg_dump/pg_restore; embedded: PGlite's dump of
// its data folder); the restored one has the same rows in every table and every audit chain holds
// with the same head.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeAudit } from '../audit/audit.ts';
import { syncPermissions } from '../auth/seed.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createFixture } from '../test/fixture.ts';
import { BackupError, check, dumpEmbedded, dumpServer, restoreEmbedded, restoreServer } from './backup.ts';

const dir = mkdtempSync(join(tmpdir(), 'gec-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tenant with its organisation, and audit rows on its chain. */
async function populate(db: Database): Promise<void> {
  await migrate(db.ownerPool);
  await syncPermissions(db.ownerPool);
  const f = await createFixture(db.ownerPool, 'bk');
  for (let i = 0; i < 5; i++) await writeAudit(db.pool, { tenantId: f.tenantId, userId: null, action: 'test.backup', objectId: i, result: 'ok', detail: { i } });
}

const heads = (r: Awaited<ReturnType<typeof check>>) => r.chains.map((c) => [c.tenantCode, c.ok, c.headSeq, c.headHash]);

describe('backup and restore', () => {
  it.runIf(inject('dbMode') === 'server')('restores a pg_dump into a new database with the same rows and audit chains', async () => {
    const base = process.env.TEST_DATABASE_OWNER_URL!;
    const url = (name: string, as = base) => { const u = new URL(as); u.pathname = `/${name}`; return u.toString(); };
    const admin = new pg.Pool({ connectionString: base, max: 1 });
    const src = `gec_bk_src_${process.pid}`;
    const dst = `gec_bk_dst_${process.pid}`;
    for (const name of [src, dst]) {
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name} template gec_template`);
    }
    try {
      const source = await openDatabase({ databaseUrl: url(src, process.env.TEST_DATABASE_URL!), databaseOwnerUrl: url(src), poolSize: 2 });
      let before;
      try {
        await populate(source);
        before = await check(source.ownerPool);
      } finally {
        await source.close();
      }
      const file = join(dir, 'server.dump');
      await dumpServer(url(src), file);
      const target = new pg.Pool({ connectionString: url(dst), max: 2 });
      try {
        await restoreServer(file, url(dst), target);
        const after = await check(target);
        expect(after.counts).toEqual(before.counts);
        expect(after.counts.audit_log).toBeGreaterThanOrEqual(5);
        expect(after.chains.every((c) => c.ok)).toBe(true);
        expect(heads(after)).toEqual(heads(before));
        // Into a database that is not empty: refused, nothing done.
        await expect(restoreServer(file, url(dst), target)).rejects.toThrow(BackupError);
      } finally {
        await target.end();
      }
    } finally {
      for (const name of [src, dst]) await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 300_000);

  it.runIf(inject('dbMode') === 'embedded')('restores the embedded data folder into a new folder with the same rows and audit chains', async () => {
    const from = join(dir, 'embedded-a');
    const source = await openDatabase({ embeddedDir: from, poolSize: 2 });
    let before;
    try {
      await populate(source);
      before = await check(source.ownerPool);
    } finally {
      await source.close();
    }
    const file = join(dir, 'embedded.tar.gz');
    await dumpEmbedded(from, file);
    const to = join(dir, 'embedded-b');
    await restoreEmbedded(file, to);
    const restored = await openDatabase({ embeddedDir: to, poolSize: 2 });
    try {
      const after = await check(restored.ownerPool);
      expect(after.counts).toEqual(before.counts);
      expect(after.counts.audit_log).toBeGreaterThanOrEqual(5);
      expect(after.chains.every((c) => c.ok)).toBe(true);
      expect(heads(after)).toEqual(heads(before));
    } finally {
      await restored.close();
    }
    await expect(restoreEmbedded(file, to)).rejects.toThrow(/not empty/);
  }, 300_000);
});
