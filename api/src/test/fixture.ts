// A small tenant for integration tests: a city of two districts, each one street › one community;
// the first community has grids A and B, the second grid C. Accounts from the demo seed, with a
// per-tenant username prefix.
import type pg from 'pg';
import { seedDemoAccounts } from '../auth/seed.ts';

export interface Fixture {
  tenantId: number;
  code: string;
  prefix: string;
  nodes: Record<'city' | 'd1' | 'd2' | 's1' | 's2' | 'm1' | 'm2' | 'gridA' | 'gridB' | 'gridC', number>;
  /** A point inside each grid. */
  points: Record<'gridA' | 'gridB' | 'gridC', { lon: number; lat: number }>;
}

const box = (x0: number, y0: number, x1: number, y1: number) =>
  `SRID=4326;MULTIPOLYGON(((${x0} ${y0},${x1} ${y0},${x1} ${y1},${x0} ${y1},${x0} ${y0})))`;

let counter = 0;

export async function createFixture(owner: pg.Pool, label = 'f'): Promise<Fixture> {
  const code = `t${label}${process.pid}${Date.now().toString(36)}${counter++}`.toLowerCase().slice(0, 39);
  const tenantId = (await owner.query('insert into tenants (code, name) values ($1, $2) returning id', [code, `测试市${counter}`])).rows[0].id;
  // Shift each tenant's city a little so tests never depend on absolute coordinates.
  const ox = 114 + (tenantId % 10) * 0.5;
  const oy = 30;
  const add = async (key: string, parent: number | null, level: number, name: string, g: string) =>
    (await owner.query(
      'insert into jurisdictions (tenant_id, parent_id, code, name, level, geom) values ($1, $2, $3, $4, $5, $6) returning id',
      [tenantId, parent, `${code}-${key}`, name, level, g],
    )).rows[0].id as number;
  const city = await add('city', null, 1, '测试市', box(ox, oy, ox + 0.4, oy + 0.4));
  const d1 = await add('d1', city, 2, '东区', box(ox, oy, ox + 0.2, oy + 0.4));
  const d2 = await add('d2', city, 2, '西区', box(ox + 0.2, oy, ox + 0.4, oy + 0.4));
  const s1 = await add('s1', d1, 3, '东一街道', box(ox, oy, ox + 0.2, oy + 0.4));
  const s2 = await add('s2', d2, 3, '西一街道', box(ox + 0.2, oy, ox + 0.4, oy + 0.4));
  const m1 = await add('m1', s1, 4, '东一社区', box(ox, oy, ox + 0.2, oy + 0.4));
  const m2 = await add('m2', s2, 4, '西一社区', box(ox + 0.2, oy, ox + 0.4, oy + 0.4));
  const gridA = await add('ga', m1, 5, '第一网格', box(ox, oy, ox + 0.1, oy + 0.4));
  const gridB = await add('gb', m1, 5, '第二网格', box(ox + 0.1, oy, ox + 0.2, oy + 0.4));
  const gridC = await add('gc', m2, 5, '第三网格', box(ox + 0.2, oy, ox + 0.4, oy + 0.4));
  const prefix = `${code}_`;
  await seedDemoAccounts(owner, tenantId, prefix);
  return {
    tenantId,
    code,
    prefix,
    nodes: { city, d1, d2, s1, s2, m1, m2, gridA, gridB, gridC },
    points: {
      gridA: { lon: ox + 0.05, lat: oy + 0.2 },
      gridB: { lon: ox + 0.15, lat: oy + 0.2 },
      gridC: { lon: ox + 0.3, lat: oy + 0.2 },
    },
  };
}
