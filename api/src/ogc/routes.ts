// /api/ogc: OGC API – Features Part 1 over the caller's jurisdiction (GDAL OAPIF, QGIS).
import type Koa from 'koa';
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import { Bbox } from '../geo/bbox.ts';
import type { Routes } from '../http/route.ts';
import { CRS84, GEOJSON, extents, item, itemsPage, sourceFor, visibleSources } from './service.ts';

const BASE = '/api/ogc';
const JSON_TYPE = 'application/json';
const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';

export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];

/** `f` is how browsers and some clients ask for a format; only JSON is served. */
const Format = z.enum(['json', 'geojson', 'application/json', 'application/geo+json']).optional();
const CollectionParams = z.strictObject({ collectionId: z.string().max(40) });
const ItemParams = z.strictObject({ collectionId: z.string().max(40), featureId: z.coerce.number().int().positive() });
const ItemsQuery = z.strictObject({
  bbox: Bbox.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  f: Format,
});

const link = (ctx: Koa.Context, path: string, rel: string, type: string, title?: string) => ({
  href: `${ctx.protocol}://${ctx.host}${path}`,
  rel,
  type,
  ...(title ? { title } : {}),
});

function collectionDoc(ctx: Koa.Context, s: { id: string; title: string; description: string }, extent: number[] | null) {
  const path = `${BASE}/collections/${s.id}`;
  return {
    id: s.id,
    title: s.title,
    description: s.description,
    itemType: 'feature',
    crs: [CRS84],
    ...(extent ? { extent: { spatial: { bbox: [extent], crs: CRS84 } } } : {}),
    links: [link(ctx, path, 'self', JSON_TYPE), link(ctx, `${path}/items`, 'items', GEOJSON, s.title)],
  };
}

function itemsQueryString(query: z.output<typeof ItemsQuery>, offset: number): string {
  const p = new URLSearchParams();
  if (query.bbox) p.set('bbox', [query.bbox.minLon, query.bbox.minLat, query.bbox.maxLon, query.bbox.maxLat].join(','));
  p.set('limit', String(query.limit));
  if (offset) p.set('offset', String(offset));
  return p.toString();
}

export function ogcRoutes(routes: Routes, app: AppContext): void {
  const tags = ['ogc'];
  routes.add({
    method: 'get', path: BASE, summary: 'OGC API – Features landing page', tags, access: { authenticated: true },
    query: z.strictObject({ f: Format }),
    handler: async ({ ctx }) => ({
      title: 'Grid-based community epidemic control (网格化社区疫情防控系统)',
      description: 'OGC API – Features over the caller\'s jurisdiction',
      links: [
        link(ctx, BASE, 'self', JSON_TYPE, 'This document'),
        link(ctx, '/api/openapi.json', 'service-desc', OPENAPI_TYPE, 'The API definition'),
        link(ctx, '/api/docs', 'service-doc', 'text/html', 'The API documentation'),
        link(ctx, `${BASE}/conformance`, 'conformance', JSON_TYPE, 'Conformance classes'),
        link(ctx, `${BASE}/collections`, 'data', JSON_TYPE, 'Collections'),
      ],
    }),
  });
  routes.add({
    method: 'get', path: `${BASE}/conformance`, summary: 'OGC API conformance classes', tags, access: { authenticated: true },
    query: z.strictObject({ f: Format }),
    handler: async () => ({ conformsTo: CONFORMANCE }),
  });
  routes.add({
    method: 'get', path: `${BASE}/collections`, summary: 'Feature collections the caller may read', tags, access: { authenticated: true },
    query: z.strictObject({ f: Format }),
    handler: async ({ user, ctx }) => {
      const sources = visibleSources(user);
      const ext = await extents(app, user, sources);
      return {
        links: [link(ctx, `${BASE}/collections`, 'self', JSON_TYPE)],
        collections: sources.map((s, i) => collectionDoc(ctx, s, ext[i])),
      };
    },
  });
  routes.add({
    method: 'get', path: `${BASE}/collections/:collectionId`, summary: 'One feature collection', tags, access: { authenticated: true },
    params: CollectionParams,
    query: z.strictObject({ f: Format }),
    handler: async ({ user, params, ctx }) => {
      const s = sourceFor(user, params.collectionId);
      const [ext] = await extents(app, user, [s]);
      return collectionDoc(ctx, s, ext);
    },
  });
  routes.add({
    method: 'get', path: `${BASE}/collections/:collectionId/items`, summary: 'Features of a collection by bbox, paged by limit/offset with `next` links', tags,
    access: { authenticated: true },
    params: CollectionParams,
    query: ItemsQuery,
    handler: async ({ user, params, query, ctx }) => {
      const s = sourceFor(user, params.collectionId);
      const page = await itemsPage(app, user, s, query.bbox, query.limit, query.offset);
      const path = `${BASE}/collections/${s.id}/items`;
      const links = [link(ctx, `${path}?${itemsQueryString(query, query.offset)}`, 'self', GEOJSON)];
      if (query.offset + page.features.length < page.matched && page.features.length > 0) {
        links.push(link(ctx, `${path}?${itemsQueryString(query, query.offset + page.features.length)}`, 'next', GEOJSON, 'Next page'));
      }
      links.push(link(ctx, `${BASE}/collections/${s.id}`, 'collection', JSON_TYPE));
      ctx.type = GEOJSON;
      ctx.body = {
        type: 'FeatureCollection',
        features: page.features,
        numberMatched: page.matched,
        numberReturned: page.features.length,
        timeStamp: new Date().toISOString(),
        links,
      };
      return undefined;
    },
  });
  routes.add({
    method: 'get', path: `${BASE}/collections/:collectionId/items/:featureId`, summary: 'One feature (404 outside the caller\'s jurisdiction)', tags,
    access: { authenticated: true },
    params: ItemParams,
    query: z.strictObject({ f: Format }),
    handler: async ({ user, params, ctx }) => {
      const s = sourceFor(user, params.collectionId);
      const f = await item(app, user, s, params.featureId);
      const path = `${BASE}/collections/${s.id}`;
      ctx.type = GEOJSON;
      ctx.body = { ...f, links: [link(ctx, `${path}/items/${f.id}`, 'self', GEOJSON), link(ctx, path, 'collection', JSON_TYPE)] };
      return undefined;
    },
  });
}
