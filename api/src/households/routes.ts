// /api/households: dwellings as points; the grid is derived by containment.
import { z } from '../http/zod.ts';
import { auditTx } from '../audit/audit.ts';
import type { AppContext } from '../context.ts';
import { Bbox } from '../geo/bbox.ts';
import { notFound, unprocessable } from '../http/errors.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { Location } from '../geo/point.ts';
import { gridCovering } from '../persons/queries.ts';
import * as q from './queries.ts';
import { householdFeature, householdView, type HouseholdRow } from './view.ts';
import { auditExactRead, requireExactLocations, seesExactLocations } from '../auth/exact-location.ts';

const MAX_FEATURES = 5000;

const HouseholdCreate = z
  .strictObject({
    location: Location,
    address: z.string().trim().min(2).max(200),
    building: z.string().trim().min(1).max(20).optional(),
    unit: z.string().trim().min(1).max(20).optional(),
    room: z.string().trim().min(1).max(20).optional(),
  })
  .openapi('HouseholdCreate');

export function householdRoutes(routes: Routes, app: AppContext): void {
  const tags = ['households'];
  routes.add({
    method: 'get',
    path: '/api/households',
    summary: 'Households in a bbox as GeoJSON points with addresses: homes of persons, so only for callers who may see exact locations (person:reveal; others have the households tiles, counted per grid); audited',
    tags,
    access: { permission: 'household:read' },
    query: z.strictObject({ bbox: Bbox, limit: z.coerce.number().int().min(1).max(MAX_FEATURES).default(1000) }),
    handler: async ({ scoped, user, query, ctx }) => {
      // A bbox narrowed around one household would place it, masked address or not.
      requireExactLocations(user, 'households by bbox');
      const rows = await scoped((tx) => tx.rows<HouseholdRow>(q.inBbox(user.tenantId, query.bbox, query.limit)));
      ctx.type = 'application/geo+json';
      const page = {
        type: 'FeatureCollection',
        features: rows.map((r) => householdFeature(r, user)),
        truncated: rows.length === query.limit,
      };
      await auditExactRead(app, user, 'household', rows.length, { bbox: query.bbox }, ctx.ip);
      return page;
    },
  });
  routes.add({
    method: 'get',
    path: '/api/households/:id',
    summary: 'One household',
    tags,
    access: { permission: 'household:read' },
    params: IdParams,
    handler: async ({ scoped, user, params, ctx }) => {
      const r = await scoped((tx) => tx.one<HouseholdRow & { grid_name: string }>(q.byId(user.tenantId, params.id)));
      if (!r) throw notFound('household');
      await auditExactRead(app, user, 'household', seesExactLocations(user) ? 1 : 0, { id: r.id }, ctx.ip);
      return { ...householdView(r, user), gridName: r.grid_name };
    },
  });
  routes.add({
    method: 'post',
    path: '/api/households',
    summary: 'Register a household at a point inside the caller\'s grids',
    tags,
    access: { permission: 'household:write' },
    body: HouseholdCreate,
    status: 201,
    handler: async ({ scoped, user, body, ctx }) => {
      const id = await scoped(async (tx) => {
        const grid = await tx.one(gridCovering(user.tenantId, body.location.lon, body.location.lat));
        if (!grid) throw unprocessable('location is not inside any grid of your jurisdiction', 'location').withZh('位置不在您辖区的任何网格内');
        const created = (await tx.one<{ id: number }>(q.insert(user.tenantId, { ...body, ...body.location })))!.id;
        await auditTx(tx, { tenantId: user.tenantId, userId: user.userId, action: 'household.create', objectType: 'household', objectId: created, ip: ctx.ip || null, result: 'ok' });
        return created;
      });
      const r = await scoped((tx) => tx.one<HouseholdRow & { grid_name: string }>(q.byId(user.tenantId, id)));
      return { ...householdView(r!, user), gridName: r!.grid_name };
    },
  });
}
