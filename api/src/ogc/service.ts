// OGC API – Features Part 1 (core, GeoJSON, OAS 3.0): collections, pages of items, single items.
// https://docs.ogc.org/is/17-069r4/17-069r4.html — every read goes through withScope, so a caller
// sees exactly the rows row-level security gives them.
import type { Permission } from '../auth/permissions.ts';
import { callerOf, can, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { householdView, type HouseholdRow } from '../households/view.ts';
import { withScope, type Tx } from '../db/scope.ts';
import type { Bbox } from '../geo/bbox.ts';
import { forbidden, notFound } from '../http/errors.ts';
import * as q from './queries.ts';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const GEOJSON = 'application/geo+json';

export interface Feature {
  type: 'Feature';
  id: number;
  geometry: unknown;
  properties: Record<string, unknown>;
}

interface Page {
  matched: number;
  features: Feature[];
}

interface CollectionSource {
  id: string;
  title: string;
  description: string;
  permission: Permission;
  page(tx: Tx, user: Principal, bbox: Bbox | undefined, limit: number, offset: number): Promise<Page>;
  one(tx: Tx, user: Principal, id: number): Promise<Feature | undefined>;
  extent(tx: Tx, user: Principal): Promise<number[] | null>;
}

interface JurisdictionRow {
  id: number;
  code: string;
  name: string;
  level: number;
  parent_id: number | null;
  geometry: unknown;
}
interface ExtentRow {
  x0: number | null;
  y0: number;
  x1: number;
  y1: number;
}

const extentOf = (r: ExtentRow | undefined) => (r && r.x0 != null ? [r.x0, r.y0, r.x1, r.y1] : null);

function jurisdictionFeature(r: JurisdictionRow): Feature {
  return { type: 'Feature', id: r.id, geometry: r.geometry, properties: { code: r.code, name: r.name, level: r.level, parentId: r.parent_id } };
}

function householdFeature(r: HouseholdRow, user: Principal): Feature {
  const { id, location, ...properties } = householdView(r, user);
  void location; // the feature's geometry is the point
  return { type: 'Feature', id, geometry: { type: 'Point', coordinates: [r.lon, r.lat] }, properties };
}

function jurisdictionLevel(id: string, level: number, title: string, description: string): CollectionSource {
  return {
    id,
    title,
    description,
    permission: 'jurisdiction:read',
    async page(tx, user, bbox, limit, offset) {
      const n = await tx.one<{ n: number }>(q.jurisdictionCount(user.tenantId, level, bbox));
      const rows = await tx.rows<JurisdictionRow>(q.jurisdictionPage(user.tenantId, level, bbox, limit, offset));
      return { matched: n!.n, features: rows.map(jurisdictionFeature) };
    },
    async one(tx, user, fid) {
      const r = await tx.one<JurisdictionRow>(q.jurisdictionById(user.tenantId, level, fid));
      return r && jurisdictionFeature(r);
    },
    extent: async (tx, user) => extentOf(await tx.one<ExtentRow>(q.jurisdictionExtent(user.tenantId, level))),
  };
}

const households: CollectionSource = {
  id: 'households',
  title: 'Households (住户)',
  description: 'Dwellings as points; addresses are masked unless the caller may reveal personal data.',
  permission: 'household:read',
  async page(tx, user, bbox, limit, offset) {
    const n = await tx.one<{ n: number }>(q.householdCount(user.tenantId, bbox));
    const rows = await tx.rows<HouseholdRow>(q.householdPage(user.tenantId, bbox, limit, offset));
    return { matched: n!.n, features: rows.map((r) => householdFeature(r, user)) };
  },
  async one(tx, user, fid) {
    const r = await tx.one<HouseholdRow>(q.householdById(user.tenantId, fid));
    return r && householdFeature(r, user);
  },
  extent: async (tx, user) => extentOf(await tx.one<ExtentRow>(q.householdExtent(user.tenantId))),
};

export const SOURCES: CollectionSource[] = [
  jurisdictionLevel('grids', 5, 'Grids (网格)', 'Level-5 jurisdictions: the grids of the grid workers.'),
  jurisdictionLevel('communities', 4, 'Communities (社区)', 'Level-4 jurisdictions.'),
  jurisdictionLevel('streets', 3, 'Streets (街道)', 'Level-3 jurisdictions.'),
  jurisdictionLevel('districts', 2, 'Districts (区)', 'Level-2 jurisdictions.'),
  households,
];

/** The collections this caller may read. */
export function visibleSources(user: Principal): CollectionSource[] {
  return SOURCES.filter((s) => can(user, s.permission));
}

export function sourceFor(user: Principal, id: string): CollectionSource {
  const s = SOURCES.find((x) => x.id === id);
  if (!s) throw notFound('collection');
  if (!can(user, s.permission)) throw forbidden(`permission ${s.permission} required`);
  return s;
}

export function extents(app: AppContext, user: Principal, sources: CollectionSource[]): Promise<(number[] | null)[]> {
  return withScope(app.db.pool, callerOf(user), async (tx) => {
    const out: (number[] | null)[] = [];
    for (const s of sources) out.push(await s.extent(tx, user));
    return out;
  });
}

export function itemsPage(app: AppContext, user: Principal, s: CollectionSource, bbox: Bbox | undefined, limit: number, offset: number): Promise<Page> {
  return withScope(app.db.pool, callerOf(user), (tx) => s.page(tx, user, bbox, limit, offset));
}

export async function item(app: AppContext, user: Principal, s: CollectionSource, id: number): Promise<Feature> {
  const f = await withScope(app.db.pool, callerOf(user), (tx) => s.one(tx, user, id));
  if (!f) throw notFound('feature');
  return f;
}
