// /api/jurisdictions: the tree, one node, and boundaries as GeoJSON by bbox.
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import { Bbox, Zoom, toleranceForZoom } from '../geo/bbox.ts';
import { notFound } from '../http/errors.ts';
import { IdParams, type Routes } from '../http/route.ts';
import * as q from './queries.ts';

const MAX_FEATURES = 5000;

const NodeQuery = z.strictObject({
  persons: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(true)
    .openapi({ description: 'Count the persons under the node (false: `persons` is null; a whole city is a 0.3–0.6 s count under row-level security)' }),
});

interface Node {
  id: number;
  parent_id: number | null;
  code: string;
  name: string;
  level: number;
}
interface TreeNode {
  id: number;
  code: string;
  name: string;
  level: number;
  children: TreeNode[];
}

/** Nests rows ordered by path; nodes whose parent is outside the caller's scope become roots. */
export function nest(rows: Node[]): TreeNode[] {
  const byId = new Map<number, TreeNode>();
  const roots: TreeNode[] = [];
  for (const r of rows) {
    const node = { id: r.id, code: r.code, name: r.name, level: r.level, children: [] };
    byId.set(r.id, node);
    const parent = r.parent_id == null ? undefined : byId.get(r.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** The level shown by default at a zoom: districts far out, grids close in. */
export function levelForZoom(zoom: number): number {
  return zoom < 10 ? 2 : zoom < 12 ? 3 : zoom < 13 ? 4 : 5;
}

export function jurisdictionRoutes(routes: Routes, app: AppContext): void {
  const tags = ['jurisdictions'];
  routes.add({
    method: 'get',
    path: '/api/jurisdictions/tree',
    summary: 'The jurisdiction tree under the caller\'s nodes (no geometry)',
    tags,
    access: { permission: 'jurisdiction:read' },
    query: z.strictObject({ maxLevel: z.coerce.number().int().min(1).max(5).default(5) }),
    handler: async ({ scoped, user, query }) => {
      const rows = await scoped((tx) => tx.rows<Node>(q.tree(user.tenantId, query.maxLevel)));
      return { roots: nest(rows) };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/jurisdictions/geojson',
    summary: 'Boundaries of one level as a GeoJSON FeatureCollection, by bbox, simplified for the zoom',
    tags,
    access: { permission: 'jurisdiction:read' },
    query: z.strictObject({
      bbox: Bbox.optional(),
      zoom: Zoom.default(12),
      level: z.coerce.number().int().min(1).max(5).optional().openapi({ description: '1 city … 5 grid; default by zoom' }),
    }),
    handler: async ({ scoped, user, query, ctx }) => {
      const level = query.level ?? levelForZoom(query.zoom);
      const row = await scoped((tx) =>
        tx.one<{ fc: unknown; n: number }>(q.geojson(user.tenantId, level, query.bbox, toleranceForZoom(query.zoom), MAX_FEATURES)),
      );
      ctx.type = 'application/geo+json';
      return row!.fc;
    },
  });
  routes.add({
    method: 'get',
    path: '/api/jurisdictions/:id',
    summary: 'One jurisdiction node with its boundary and the number of persons under it',
    tags,
    access: { permission: 'jurisdiction:read' },
    params: IdParams,
    query: NodeQuery,
    handler: async ({ scoped, user, params, query }) => {
      const row = await scoped((tx) => tx.one(q.byId(user.tenantId, params.id, query.persons)));
      if (!row) throw notFound('jurisdiction');
      return {
        id: row.id, parentId: row.parent_id, code: row.code, name: row.name, level: row.level, path: row.path,
        areaM2: row.area_m2, geometry: row.geometry, labelPoint: row.label_point, persons: row.persons,
      };
    },
  });
}
