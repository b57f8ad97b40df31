// OGC API – Features Part 1 (core, GeoJSON, OAS 3.0): collections, pages of items, single items.
// https://docs.ogc.org/is/17-069r4/17-069r4.html — every read goes through withScope, so a caller
// sees exactly the rows row-level security gives them.
import type { Permission } from '../auth/permissions.ts';
import { can, type Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { householdFeature, type HouseholdRow } from '../households/view.ts';
import { auditExactRead, requireExactLocations, seesExactLocations } from '../auth/exact-location.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import type { Bbox } from '../geo/bbox.ts';
import { forbidden, notFound } from '../http/errors.ts';
import type { TimeFilter } from './datetime.ts';
import * as q from './queries.ts';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const GEOJSON = 'application/geo+json';
/** Gregorian calendar in UTC, the temporal reference system of RFC 3339 instants. */
export const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

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

/** What narrows a page of items; `time` is ignored by collections without a time property. */
export interface ItemsFilter {
  bbox?: Bbox;
  time?: TimeFilter;
}

export interface Extent {
  bbox: number[] | null;
  /** Earliest and latest value of the time property, for collections that have one. */
  interval?: [string | null, string | null];
}

interface CollectionSource {
  id: string;
  title: string;
  description: string;
  permission: Permission;
  /** Features are where persons live: only for callers who may see exact locations, and audited. */
  personal?: boolean;
  page(tx: Tx, user: Principal, filter: ItemsFilter, limit: number, offset: number): Promise<Page>;
  one(tx: Tx, user: Principal, id: number): Promise<Feature | undefined>;
  extent(tx: Tx, user: Principal): Promise<Extent>;
}

interface JurisdictionRow {
  id: number;
  code: string;
  name: string;
  level: number;
  parent_id: number | null;
  parent_code: string | null;
  geometry: unknown;
}
interface ExtentRow {
  x0: number | null;
  y0: number;
  x1: number;
  y1: number;
}
type TimedHouseholdRow = HouseholdRow & { created_at: Date };

const bboxOf = (r: ExtentRow | undefined) => (r && r.x0 != null ? [r.x0, r.y0, r.x1, r.y1] : null);

function jurisdictionFeature(r: JurisdictionRow): Feature {
  return {
    type: 'Feature',
    id: r.id,
    geometry: r.geometry,
    properties: { code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, parentId: r.parent_id },
  };
}

function householdItem(r: TimedHouseholdRow, user: Principal): Feature {
  const f = householdFeature(r, user);
  return { ...f, properties: { ...f.properties, createdAt: r.created_at.toISOString() } };
}

function jurisdictionLevel(id: string, level: number, title: string, description: string): CollectionSource {
  return {
    id,
    title,
    description: `${description} Boundaries of the caller's subtree; parentCode is null where the parent lies outside it.`,
    permission: 'jurisdiction:read',
    async page(tx, user, { bbox }, limit, offset) {
      const n = await tx.one<{ n: number }>(q.jurisdictionCount(user.tenantId, level, bbox));
      const rows = await tx.rows<JurisdictionRow>(q.jurisdictionPage(user.tenantId, level, bbox, limit, offset));
      return { matched: n!.n, features: rows.map(jurisdictionFeature) };
    },
    async one(tx, user, fid) {
      const r = await tx.one<JurisdictionRow>(q.jurisdictionById(user.tenantId, level, fid));
      return r && jurisdictionFeature(r);
    },
    // Boundaries have no time property: `datetime` is accepted and ignored (17-069r4 §7.15.4).
    extent: async (tx, user) => ({ bbox: bboxOf(await tx.one<ExtentRow>(q.jurisdictionExtent(user.tenantId, level))) }),
  };
}

const households: CollectionSource = {
  id: 'households',
  title: 'Households (住户)',
  description: 'Dwellings as points with their addresses: homes of the persons in scope, so only for callers who may see exact locations (person:reveal); every read is audited. ' +
    '`datetime` filters on createdAt, when the household was registered.',
  permission: 'household:read',
  personal: true,
  async page(tx, user, { bbox, time }, limit, offset) {
    const n = await tx.one<{ n: number }>(q.householdCount(user.tenantId, bbox, time));
    const rows = await tx.rows<TimedHouseholdRow>(q.householdPage(user.tenantId, bbox, time, limit, offset));
    return { matched: n!.n, features: rows.map((r) => householdItem(r, user)) };
  },
  async one(tx, user, fid) {
    const r = await tx.one<TimedHouseholdRow>(q.householdById(user.tenantId, fid));
    return r && householdItem(r, user);
  },
  async extent(tx, user) {
    const r = await tx.one<ExtentRow & { t0: Date | null; t1: Date | null }>(q.householdExtent(user.tenantId));
    return { bbox: bboxOf(r), interval: [r?.t0?.toISOString() ?? null, r?.t1?.toISOString() ?? null] };
  },
};

// Ids are the plural level names the service has published since issue 4 (and the tile layer
// `grids` shares): renaming them would break saved GDAL/QGIS connections, so the city joins them.
export const SOURCES: CollectionSource[] = [
  jurisdictionLevel('grids', 5, 'Grids (网格)', 'Level-5 jurisdictions: the grids of the grid workers.'),
  jurisdictionLevel('communities', 4, 'Communities (社区)', 'Level-4 jurisdictions.'),
  jurisdictionLevel('streets', 3, 'Streets (街道)', 'Level-3 jurisdictions.'),
  jurisdictionLevel('districts', 2, 'Districts (区)', 'Level-2 jurisdictions.'),
  jurisdictionLevel('cities', 1, 'Cities (市)', 'Level-1 jurisdictions: the city.'),
  households,
];

/** The collections this caller may read. */
export function visibleSources(user: Principal): CollectionSource[] {
  return SOURCES.filter((s) => can(user, s.permission) && (!s.personal || seesExactLocations(user)));
}

export function sourceFor(user: Principal, id: string): CollectionSource {
  const s = SOURCES.find((x) => x.id === id);
  if (!s) throw notFound('collection');
  if (!can(user, s.permission)) throw forbidden(`permission ${s.permission} required`).withZh(`没有查看该图层集合的权限（需要 ${s.permission}）`);
  if (s.personal) requireExactLocations(user, `collection ${s.id}`);
  return s;
}

export function extents(app: AppContext, scoped: Scoped, user: Principal, sources: CollectionSource[]): Promise<Extent[]> {
  return scoped(async (tx) => {
    const out: Extent[] = [];
    for (const s of sources) out.push(await s.extent(tx, user));
    return out;
  });
}

export async function itemsPage(app: AppContext, scoped: Scoped, user: Principal, s: CollectionSource, filter: ItemsFilter, limit: number, offset: number, ip: string | null = null): Promise<Page> {
  const page = await scoped((tx) => s.page(tx, user, filter, limit, offset));
  if (s.personal) await auditExactRead(app, user, s.id, page.features.filter((f) => f.geometry).length, { bbox: filter.bbox ?? null, offset }, ip);
  return page;
}

export async function item(app: AppContext, scoped: Scoped, user: Principal, s: CollectionSource, id: number, ip: string | null = null): Promise<Feature> {
  const f = await scoped((tx) => s.one(tx, user, id));
  if (!f) throw notFound('feature');
  if (s.personal) await auditExactRead(app, user, s.id, f.geometry ? 1 : 0, { id }, ip);
  return f;
}
