// Set-based insert of the jurisdiction tree, one statement per level.
import type pg from 'pg';
import { ringOf, type CityLayout } from './city.ts';
import { multiPolygonEwkt } from './geometry.ts';
import { insertLevel } from './queries.ts';


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
    const { rows: inserted } = await pool.query<{ id: number; code: string }>(insertLevel(tenantId, rows).toQuery());
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
