// Set-based insert of the jurisdiction tree, one statement per level.
import type pg from 'pg';
import { ringOf, type CityLayout } from './city.ts';
import { multiPolygonEwkt } from './geometry.ts';

const INSERT_LEVEL = `
  insert into jurisdictions (tenant_id, parent_id, code, name, level, geom)
  select $1, r.parent_id, r.code, r.name, r.level, st_geomfromewkt(r.geom)
    from jsonb_to_recordset($2::jsonb) as r(parent_id bigint, code text, name text, level smallint, geom text)
  returning id, code`;

/** Inserts every level (city first) and returns the database ids, aligned with city.levels. */
export async function insertJurisdictions(pool: pg.Pool, tenantId: number, city: CityLayout): Promise<number[][]> {
  const ids: number[][] = [];
  for (const nodes of city.levels) {
    const parentIds = ids[ids.length - 1];
    const rows = nodes.map((n) => ({
      parent_id: n.parent < 0 ? null : parentIds[n.parent],
      code: n.code,
      name: n.name,
      level: n.level,
      geom: multiPolygonEwkt(ringOf(city, n)),
    }));
    const { rows: inserted } = await pool.query<{ id: number; code: string }>(INSERT_LEVEL, [tenantId, JSON.stringify(rows)]);
    const byCode = new Map(inserted.map((r) => [r.code, Number(r.id)]));
    ids.push(
      nodes.map((n) => {
        const id = byCode.get(n.code);
        if (id === undefined) throw new Error(`jurisdiction ${n.code} was not inserted`);
        return id;
      }),
    );
  }
  return ids;
}
