// /api/stats (choropleth, hexagon heatmap, heat points) and /api/nearby (KNN tasks and households).
import type Koa from 'koa';
import type { AppContext } from '../context.ts';
import { Bbox, Zoom } from '../geo/bbox.ts';
import { NearPoint } from '../geo/point.ts';
import type { Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { SOURCES } from '../persons/schema.ts';
import { SEVERITIES, STATUSES } from '../persons/status.ts';
import * as s from './service.ts';
import { summary } from './summary.ts';

/** Comma-separated values of an enum; a bad value fails on the field itself (not field.0). */
const csv = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((x, ctx) => {
      const list = x.split(',').map((v) => v.trim()).filter(Boolean);
      const bad = list.filter((v) => !(values as readonly string[]).includes(v));
      if (list.length === 0 || bad.length) {
        ctx.addIssue({ code: 'custom', message: bad.length ? `unknown value ${bad[0]}; expected ${values.join(', ')}` : 'must not be empty' });
        return z.NEVER;
      }
      return list as T[];
    })
    .openapi({ type: 'string', description: `Comma-separated: ${values.join(', ')}` });

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(d)), 'not a date');

const ChoroplethQuery = z
  .strictObject({
    level: z.coerce.number().int().min(2).max(5).openapi({ description: '2 district, 3 street, 4 community, 5 grid' }),
    zoom: Zoom.default(12),
    bbox: Bbox.optional(),
    status: csv(STATUSES).optional(),
    severity: csv(SEVERITIES).optional(),
    source: csv(SOURCES).optional(),
    from: Day.optional().openapi({ description: 'First day (inclusive, China Standard Time)' }),
    to: Day.optional().openapi({ description: 'Last day (inclusive)' }),
    dateBy: z.enum(['registered', 'status_changed']).default('registered').openapi({ description: 'Date the range applies to' }),
  })
  .refine((x) => !x.from || !x.to || x.from <= x.to, { message: 'from must not be after to', path: ['to'] });

/** A calendar day that exists (2026-02-30 is refused, not rolled over). */
const RealDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a date');

const SummaryQuery = z.strictObject({
  node: z.coerce.number().int().positive().optional().openapi({ description: "Jurisdiction id; default the caller's scope root(s)" }),
  from: RealDay.optional().openapi({ description: 'First day (inclusive, China Standard Time); default 29 days before to' }),
  to: RealDay.optional().openapi({ description: 'Last day (inclusive); default today. At most 366 days from from' }),
});

const StatusCounts = z.object(Object.fromEntries(STATUSES.map((x) => [x, z.number().int()])) as Record<(typeof STATUSES)[number], z.ZodNumber>);
const SummaryResponse = z.object({
  node: z.object({ id: z.number(), name: z.string(), level: z.number(), parentId: z.number().nullable() }).nullable()
    .openapi({ description: 'null when the caller has several scope roots and named no node' }),
  range: z.object({ from: z.string(), to: z.string() }),
  counts: StatusCounts.openapi({ description: 'Persons under the node by current status' }),
  overview: z.object({
    persons: z.number(), households: z.number(), grids: z.number(), openTasks: z.number(), openAlerts: z.number(),
    newInRange: z.number().openapi({ description: 'Persons registered in the range' }),
  }),
  daily: z.array(z.object({ day: z.string(), registered: z.number(), suspected: z.number(), confirmed: z.number(), cured: z.number(), dead: z.number() }))
    .openapi({ description: 'Every day of the range: registrations and entries into each status that day' }),
  cumulative: z.array(z.object({ day: z.string(), confirmed: z.number(), cured: z.number(), dead: z.number(), suspected: z.number() }))
    .openapi({ description: 'Entries into each status up to and including the day, earlier history included' }),
  byJurisdiction: z.array(z.object({ id: z.number(), name: z.string(), level: z.number(), counts: StatusCounts, total: z.number() }))
    .openapi({ description: 'Children of the node (or the scope roots when node is null), largest total first' }),
  byRoute: z.array(z.object({ route: z.enum(['imported', 'local_contact', 'cluster', 'unknown', 'unspecified']), count: z.number() }))
    .openapi({ description: 'Confirmed, cured and dead persons by route of infection' }),
});

const HeatQuery = z.strictObject({ bbox: Bbox, zoom: Zoom, status: csv(STATUSES).optional() });
const PointsQuery = z.strictObject({ bbox: Bbox, status: csv(STATUSES).optional() });

const NearQuery = {
  near: NearPoint,
  limit: z.coerce.number().int().min(1).max(200).default(20),
};

/** Sends a cached or fresh GeoJSON text as it is (no parse and re-encode), saying which. */
function sendAggregate(ctx: Koa.Context, r: s.Aggregate): undefined {
  ctx.set('X-Cache', r.cached ? 'hit' : 'miss');
  ctx.type = 'application/geo+json';
  ctx.body = r.body;
  return undefined;
}

export function statsRoutes(routes: Routes, app: AppContext): void {
  const tags = ['stats'];
  routes.add({
    method: 'get',
    path: '/api/stats/choropleth',
    summary: 'Nodes of one level in scope with person counts by status (filters: status, severity, source, dates), simplified for the zoom',
    tags,
    access: { permission: 'person:read' },
    query: ChoroplethQuery,
    handler: async ({ scoped, user, query, ctx }) => {
      const { level, zoom, bbox, ...filter } = query;
      return sendAggregate(ctx, await s.choropleth(app, scoped, user, level, zoom, bbox, filter));
    },
  });
  routes.add({
    method: 'get',
    path: '/api/stats/summary',
    summary: 'Command center statistics of a node: counts by status, overview, daily and cumulative trends, per child jurisdiction, by route of infection',
    tags,
    access: { permission: 'dashboard:view' },
    query: SummaryQuery,
    response: SummaryResponse,
    handler: ({ scoped, user, query }) => summary(app, scoped, user, query),
  });
  routes.add({
    method: 'get',
    path: '/api/stats/heatmap',
    summary: 'Persons binned into hexagons (edge ≈ 40 px at the zoom), count and status weight; small cells suppressed unless the role may see individuals',
    tags,
    access: { permission: 'person:read' },
    query: HeatQuery,
    handler: async ({ scoped, user, query, ctx }) => {
      return sendAggregate(ctx, await s.heatmap(app, scoped, user, query.bbox, query.zoom, query.status));
    },
  });
  routes.add({
    method: 'get',
    path: '/api/stats/heatmap/points',
    summary: 'Persons as [lon, lat, weight] for a client heatmap; only for roles that may see individuals (person:reveal)',
    tags,
    access: { permission: 'person:reveal' },
    query: PointsQuery,
    handler: ({ scoped, user, query }) => s.heatPoints(app, scoped, user, query.bbox, query.status),
  });
  routes.add({
    method: 'get',
    path: '/api/nearby/tasks',
    summary: 'Tasks in scope nearest to near=lon,lat (KNN) with distance in metres',
    tags: ['nearby'],
    access: { permission: 'task:read' },
    query: z.strictObject({ ...NearQuery, state: z.enum(['open', 'done', 'cancelled']).optional() }),
    handler: ({ scoped, user, query }) => s.nearbyTasks(app, scoped, user, query),
  });
  routes.add({
    method: 'get',
    path: '/api/nearby/households',
    summary: 'Households in scope nearest to near=lon,lat (KNN) with distance in metres; address masked unless person:reveal',
    tags: ['nearby'],
    access: { permission: 'household:read' },
    query: z.strictObject(NearQuery),
    handler: ({ scoped, user, query }) => s.nearbyHouseholds(app, scoped, user, query),
  });
}
