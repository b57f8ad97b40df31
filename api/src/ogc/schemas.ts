// Inputs and outputs of /api/ogc as zod schemas: the routes validate with the inputs, and the OGC
// API definition (openapi.ts) is generated from both, so the document cannot drift from the code.
// Shapes follow the OGC schemas of 17-069r4 (landingPage, confClasses, collections, collection,
// featureCollectionGeoJSON, featureGeoJSON, exception).
import { z } from '../http/zod.ts';
import { Bbox } from '../geo/bbox.ts';
import { parseDatetime } from './datetime.ts';

/** Largest page: a larger `limit` is capped to it, as 17-069r4 §7.15.3 allows, never refused. */
export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

/** `f` is how browsers and some clients ask for a format; only JSON is served. */
export const Format = z
  .enum(['json', 'geojson', 'application/json', 'application/geo+json'])
  .optional()
  .openapi({ description: 'Output format; only JSON/GeoJSON is served' });

export const CollectionParams = z.strictObject({ collectionId: z.string().max(40).openapi({ example: 'grids' }) });
export const ItemParams = z.strictObject({
  collectionId: z.string().max(40).openapi({ example: 'grids' }),
  featureId: z.coerce.number().int().positive().openapi({ type: 'integer', example: 1 }),
});

/** 4 numbers, or 6 with heights (minLon,minLat,minH,maxLon,maxLat,maxH); heights are ignored. */
const OgcBbox = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(',');
    if (parts.length === 6 && [parts[2], parts[5]].every((h) => h.trim() !== '' && Number.isFinite(Number(h)))) {
      return [parts[0], parts[1], parts[3], parts[4]].join(',');
    }
    if (parts.length !== 4) {
      ctx.addIssue({ code: 'custom', message: 'must be 4 numbers (minLon,minLat,maxLon,maxLat) or 6 with heights' });
      return z.NEVER;
    }
    return s;
  })
  .pipe(Bbox)
  .openapi({
    type: 'string',
    example: '114.0,30.3,114.6,30.9',
    description: 'minLon,minLat,maxLon,maxLat, or minLon,minLat,minHeight,maxLon,maxLat,maxHeight (heights ignored); WGS-84 (CRS84)',
  });

const Datetime = z
  .string()
  .transform((s, ctx) => {
    const r = parseDatetime(s);
    if (typeof r === 'string') {
      ctx.addIssue({ code: 'custom', message: r });
      return z.NEVER;
    }
    return r;
  })
  .openapi({
    type: 'string',
    example: '2026-01-01T00:00:00Z/..',
    description:
      'An RFC 3339 instant or interval (`start/end`, `..` for an open end), applied to the collection\'s time property ' +
      '(households: createdAt); collections without one ignore it. A bare date and reduced precision with a zone ' +
      '(`2026-01-01T10Z`) are taken too; an instant covers the precision it is written with.',
  });

export const ItemsQuery = z.strictObject({
  bbox: OgcBbox.optional(),
  datetime: Datetime.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_LIMIT)
    .transform((n) => Math.min(n, MAX_LIMIT))
    .openapi({ type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Page size; above ${MAX_LIMIT} it is capped to ${MAX_LIMIT}` }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ type: 'integer', minimum: 0, default: 0, description: 'Features to skip; the `next` link carries it' }),
  f: Format,
});
export type ItemsQuery = z.output<typeof ItemsQuery>;

export const Link = z
  .object({ href: z.string(), rel: z.string(), type: z.string().optional(), title: z.string().optional() })
  .openapi('Link');

export const LandingPage = z
  .object({ title: z.string(), description: z.string(), links: z.array(Link) })
  .openapi('LandingPage');

export const ConfClasses = z.object({ conformsTo: z.array(z.string()) }).openapi('ConfClasses');

export const Collection = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    itemType: z.literal('feature'),
    crs: z.array(z.string()),
    extent: z
      .object({
        spatial: z.object({ bbox: z.array(z.array(z.number()).min(4).max(6)), crs: z.string() }),
        temporal: z
          .object({ interval: z.array(z.array(z.string().nullable()).length(2)), trs: z.string() })
          .optional()
          .openapi({ description: 'Time span of the time property that `datetime` filters on' }),
      })
      .optional(),
    links: z.array(Link),
  })
  .openapi('Collection');

export const Collections = z
  .object({ links: z.array(Link), collections: z.array(Collection) })
  .openapi('Collections');

const Point = z.object({ type: z.literal('Point'), coordinates: z.array(z.number()).min(2) }).openapi('PointGeoJSON');
const MultiPolygon = z
  .object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.array(z.number()).min(2)))) })
  .openapi('MultiPolygonGeoJSON');

export const Feature = z
  .object({
    type: z.literal('Feature'),
    id: z.number().int(),
    geometry: z.union([Point, MultiPolygon]),
    properties: z.record(z.string(), z.unknown()),
    links: z.array(Link).optional(),
  })
  .openapi('FeatureGeoJSON');

export const FeatureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(Feature),
    numberMatched: z.number().int().min(0),
    numberReturned: z.number().int().min(0),
    timeStamp: z.string().openapi({ format: 'date-time' }),
    links: z.array(Link),
  })
  .openapi('FeatureCollectionGeoJSON');

/** The project's error body (see README "API conventions"), which is what OGC routes answer too. */
export const Exception = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .openapi('Exception');
