// /api/ogc: OGC API – Features Part 1 over the caller's jurisdiction (GDAL OAPIF, QGIS).
import type Koa from 'koa';
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { OPENAPI_TYPE, ogcApiDefinition } from './openapi.ts';
import {
  Collection, CollectionParams, Collections, ConfClasses, Format, ItemParams, ItemsQuery, LandingPage,
} from './schemas.ts';
import { CRS84, GEOJSON, GREGORIAN, extents, item, itemsPage, sourceFor, visibleSources, type Extent } from './service.ts';

const BASE = '/api/ogc';
const JSON_TYPE = 'application/json';

export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
];

const FormatQuery = z.strictObject({ f: Format });

const link = (ctx: Koa.Context, path: string, rel: string, type: string, title?: string) => ({
  href: `${ctx.protocol}://${ctx.host}${path}`,
  rel,
  type,
  ...(title ? { title } : {}),
});

function collectionDoc(ctx: Koa.Context, s: { id: string; title: string; description: string }, extent: Extent): z.output<typeof Collection> {
  const path = `${BASE}/collections/${s.id}`;
  const spatial = extent.bbox ? { spatial: { bbox: [extent.bbox], crs: CRS84 } } : undefined;
  const temporal = extent.interval ? { temporal: { interval: [extent.interval], trs: GREGORIAN } } : undefined;
  return {
    id: s.id,
    title: s.title,
    description: s.description,
    itemType: 'feature',
    crs: [CRS84],
    ...(spatial ? { extent: { ...spatial, ...temporal } } : {}),
    links: [link(ctx, path, 'self', JSON_TYPE), link(ctx, `${path}/items`, 'items', GEOJSON, s.title)],
  };
}

/** The query of a page's own link and of `next`: the effective (capped) limit and the raw datetime. */
function itemsQueryString(ctx: Koa.Context, query: ItemsQuery, offset: number): string {
  const p = new URLSearchParams();
  if (query.bbox) p.set('bbox', [query.bbox.minLon, query.bbox.minLat, query.bbox.maxLon, query.bbox.maxLat].join(','));
  if (typeof ctx.query.datetime === 'string') p.set('datetime', ctx.query.datetime);
  p.set('limit', String(query.limit));
  if (offset) p.set('offset', String(offset));
  return p.toString();
}

export function ogcRoutes(routes: Routes, app: AppContext): void {
  const tags = ['ogc'];
  routes.add({
    method: 'get', path: BASE, summary: 'OGC API – Features landing page', tags, access: { authenticated: true },
    query: FormatQuery,
    response: LandingPage,
    handler: async ({ ctx }) => ({
      title: 'Grid-based community epidemic control (网格化社区疫情防控系统)',
      description: 'OGC API – Features over the caller\'s jurisdiction',
      links: [
        link(ctx, BASE, 'self', JSON_TYPE, 'This document'),
        link(ctx, `${BASE}/api`, 'service-desc', OPENAPI_TYPE, 'The API definition'),
        link(ctx, '/api/docs', 'service-doc', 'text/html', 'The API documentation'),
        link(ctx, `${BASE}/conformance`, 'conformance', JSON_TYPE, 'Conformance classes'),
        link(ctx, `${BASE}/collections`, 'data', JSON_TYPE, 'Collections'),
      ],
    }),
  });
  routes.add({
    method: 'get', path: `${BASE}/api`, summary: `The OGC API definition (OpenAPI 3.0, served as ${OPENAPI_TYPE})`, tags, access: { public: true },
    query: FormatQuery,
    async handler({ ctx }) {
      ctx.body = JSON.stringify(ogcApiDefinition(BASE));
      // Set after the body: a string body would otherwise reset the type to text/plain.
      ctx.type = OPENAPI_TYPE;
      return undefined;
    },
  });
  routes.add({
    method: 'get', path: `${BASE}/conformance`, summary: 'OGC API conformance classes', tags, access: { authenticated: true },
    query: FormatQuery,
    response: ConfClasses,
    handler: async () => ({ conformsTo: CONFORMANCE }),
  });
  routes.add({
    method: 'get', path: `${BASE}/collections`, summary: 'Feature collections the caller may read', tags, access: { authenticated: true },
    query: FormatQuery,
    response: Collections,
    handler: async ({ scoped, user, ctx }) => {
      const sources = visibleSources(user);
      const ext = await extents(app, scoped, user, sources);
      return {
        links: [link(ctx, `${BASE}/collections`, 'self', JSON_TYPE)],
        collections: sources.map((s, i) => collectionDoc(ctx, s, ext[i])),
      };
    },
  });
  routes.add({
    method: 'get', path: `${BASE}/collections/:collectionId`, summary: 'One feature collection', tags, access: { authenticated: true },
    params: CollectionParams,
    query: FormatQuery,
    response: Collection,
    handler: async ({ scoped, user, params, ctx }) => {
      const s = sourceFor(user, params.collectionId);
      const [ext] = await extents(app, scoped, user, [s]);
      return collectionDoc(ctx, s, ext);
    },
  });
  routes.add({
    method: 'get', path: `${BASE}/collections/:collectionId/items`,
    summary: 'Features of a collection by bbox and datetime, paged by limit/offset with `next` links (GeoJSON; schemas in /api/ogc/api)', tags,
    access: { authenticated: true },
    params: CollectionParams,
    query: ItemsQuery,
    handler: async ({ scoped, user, params, query, ctx }) => {
      const s = sourceFor(user, params.collectionId);
      const page = await itemsPage(app, scoped, user, s, { bbox: query.bbox, time: query.datetime }, query.limit, query.offset, ctx.ip);
      const path = `${BASE}/collections/${s.id}/items`;
      const links = [link(ctx, `${path}?${itemsQueryString(ctx, query, query.offset)}`, 'self', GEOJSON)];
      if (query.offset + page.features.length < page.matched && page.features.length > 0) {
        links.push(link(ctx, `${path}?${itemsQueryString(ctx, query, query.offset + page.features.length)}`, 'next', GEOJSON, 'Next page'));
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
    method: 'get', path: `${BASE}/collections/:collectionId/items/:featureId`,
    summary: 'One feature (404 outside the caller\'s jurisdiction; GeoJSON, schema in /api/ogc/api)', tags,
    access: { authenticated: true },
    params: ItemParams,
    query: FormatQuery,
    handler: async ({ scoped, user, params, ctx }) => {
      const s = sourceFor(user, params.collectionId);
      const f = await item(app, scoped, user, s, params.featureId, ctx.ip);
      const path = `${BASE}/collections/${s.id}`;
      ctx.type = GEOJSON;
      ctx.body = { ...f, links: [link(ctx, `${path}/items/${f.id}`, 'self', GEOJSON), link(ctx, path, 'collection', JSON_TYPE)] };
      return undefined;
    },
  });
}
