// Bulk transactions in replica mode: the same rows and counts as row-by-row checks, and a key
// without its referenced row is refused before anything is committed.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PiiCipher } from '../../../api/src/crypto/pii.ts';
import { openDatabase, type Database } from '../../../api/src/db/database.ts';
import { migrate } from '../../../api/src/db/migrate.ts';
import { bulkTransaction, DanglingKeyError, FOREIGN_KEYS, mayUseReplica } from './bulk.ts';
import { generateCity, type GenerateResult } from './index.ts';

const NOW = new Date('2020-02-15T00:00:00Z');
const cipher = new PiiCipher({ fieldKey: randomBytes(32), lookupKey: randomBytes(32) });
const code = (k: string) => `bulk${k}${process.pid}${Date.now().toString(36)}`.slice(0, 39);

let db: Database;
const made: GenerateResult[] = [];

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  db = await openDatabase(url ? { databaseUrl: url, databaseOwnerUrl: process.env.TEST_DATABASE_OWNER_URL ?? url, poolSize: 2 } : { poolSize: 2 });
  await migrate(db.ownerPool);
});

afterAll(async () => {
  for (const r of made) await db.ownerPool.query('delete from tenants where id = $1', [r.tenantId]);
  await db?.close();
});

/** What a loaded tenant holds, ids aside: rows per table, derived grids and the maintained counts. */
async function contents(tenantId: number) {
  const { rows } = await db.ownerPool.query(
    `select (select count(*)::int from households where tenant_id = $1) as households,
            (select count(*)::int from persons where tenant_id = $1) as persons,
            (select count(*)::int from health_checks where tenant_id = $1) as health_checks,
            (select count(*)::int from health_checks where tenant_id = $1 and recorder_user_id is not null) as recorded,
            (select coalesce(array_agg(j.code || ':' || c.households order by j.code), '{}') from grid_household_counts c
               join jurisdictions j on j.tenant_id = c.tenant_id and j.id = c.grid_id where c.tenant_id = $1) as household_counts,
            (select coalesce(array_agg(j.code || ':' || count order by j.code), '{}') from
               (select grid_id, count(*) from households where tenant_id = $1 group by grid_id) h
               join jurisdictions j on j.tenant_id = $1 and j.id = h.grid_id) as households_per_grid,
            (select coalesce(array_agg(j.code || ':' || c.status || ':' || c.n order by j.code, c.status), '{}') from grid_person_counts c
               join jurisdictions j on j.tenant_id = c.tenant_id and j.path = c.grid_path where c.tenant_id = $1 and c.n > 0) as person_counts,
            (select coalesce(array_agg(j.code || ':' || p.status || ':' || p.n order by j.code, p.status), '{}') from
               (select grid_path, status, count(*) as n from persons where tenant_id = $1 group by 1, 2) p
               join jurisdictions j on j.tenant_id = $1 and j.path = p.grid_path) as persons_per_grid,
            (select version > 0 from tile_versions where tenant_id = $1) as tiles_bumped`,
    [tenantId],
  );
  return rows[0];
}

describe('bulk loads', () => {
  it('are allowed to skip row-by-row checks for the owner here, never for the application role', async () => {
    // .ci/postgis-cluster.sh grants the parameter to the owner; embedded mode's owner is the superuser
    expect(await mayUseReplica(db.ownerPool)).toBe(true);
    const { rows } = await db.ownerPool.query(`select has_parameter_privilege('gec_app', 'session_replication_role', 'SET') as ok`);
    expect(rows[0].ok).toBe(false);
  });

  it('check every foreign key the catalogue declares on the tables they load', async () => {
    const { rows } = await db.ownerPool.query<{ tab: string; col: string; ref: string }>(
      `select c.conrelid::regclass::text as tab, a.attname as col, c.confrelid::regclass::text as ref
         from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[2]
        where c.contype = 'f' and c.conrelid::regclass::text = any($1) and cardinality(c.conkey) = 2`,
      [Object.keys(FOREIGN_KEYS)],
    );
    const declared = Object.fromEntries(Object.keys(FOREIGN_KEYS).map((t) => [t, rows.filter((r) => r.tab === t).map((r) => `${r.col}>${r.ref}`).sort()]));
    const checked = Object.fromEntries(Object.entries(FOREIGN_KEYS).map(([t, keys]) => [t, keys.map(([c, r]) => `${c}>${r}`).sort()]));
    expect(checked).toEqual(declared);
    // the one single-column key of each is the tenant's, which every bulk transaction locks
    const { rows: single } = await db.ownerPool.query(
      `select distinct confrelid::regclass::text as ref from pg_constraint
        where contype = 'f' and conrelid::regclass::text = any($1) and cardinality(conkey) = 1`,
      [Object.keys(FOREIGN_KEYS)],
    );
    expect(single).toEqual([{ ref: 'tenants' }]);
  });

  it('load the same city, counts and tile versions included, in replica mode as row by row', async () => {
    const fast = await generateCity(db, { tenantCode: code('f'), tenantName: '快', size: 'tiny', seed: 9, cipher, now: NOW });
    made.push(fast);
    const slow = await generateCity(db, { tenantCode: code('s'), tenantName: '慢', size: 'tiny', seed: 9, cipher, now: NOW, rowByRow: true });
    made.push(slow);
    expect(fast.counts).toEqual(slow.counts);
    const [a, b] = [await contents(fast.tenantId), await contents(slow.tenantId)];
    expect(a).toEqual(b);
    expect(a.household_counts).toEqual(a.households_per_grid);
    expect(a.person_counts).toEqual(a.persons_per_grid);
    expect(a.tiles_bumped).toBe(true);
    expect(a.recorded).toBeGreaterThan(0);
  });

  it('refuse a key without its referenced row and commit nothing', async () => {
    const tenantId = made[0].tenantId;
    const { rows: [h] } = await db.ownerPool.query('select id from households where tenant_id = $1 order by id limit 1', [tenantId]);
    const { rows: [{ id: missing }] } = await db.ownerPool.query('select max(id) + 1000 as id from jurisdictions');
    const before = await contents(tenantId);
    let inserted = 0;
    await expect(
      bulkTransaction(db.ownerPool, tenantId, true, async ({ client, verify }) => {
        // in replica mode the database itself lets this dangling grid through
        const { rows } = await client.query(
          `insert into households (tenant_id, geom, address, grid_id, grid_path)
           select tenant_id, geom, address || ' 2', $2, grid_path from households where tenant_id = $1 and id = $3 returning id`,
          [tenantId, missing, h.id],
        );
        inserted = Number(rows[0].id);
        await verify('households', [inserted, inserted]);
      }),
    ).rejects.toThrow(DanglingKeyError);
    expect(inserted).toBeGreaterThan(0);
    const { rows } = await db.ownerPool.query('select count(*)::int as n from households where tenant_id = $1 and id = $2', [tenantId, inserted]);
    expect(rows[0].n).toBe(0);
    expect(await contents(tenantId)).toEqual(before);
  });
});
