// The OGC API definition (conformance class oas30): its own OpenAPI 3.0 document at /api/ogc/api,
// with paths relative to the landing page as OGC clients look them up — GDAL reads
// `paths["/collections/{collectionId}/items"]` for the query parameters — and the responses'
// schemas and media types. The whole API's /api/openapi.json keeps the server-absolute paths.
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import { z } from '../http/zod.ts';
import { GEOJSON } from './service.ts';
import {
  CollectionParams, Collection, Collections, ConfClasses, Exception, Feature, FeatureCollection, Format, ItemParams, ItemsQuery, LandingPage,
} from './schemas.ts';

export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';
const JSON_TYPE = 'application/json';

const FormatQuery = z.strictObject({ f: Format });

const errors = Object.fromEntries(
  [
    [400, 'Invalid or unknown query parameter (the error names it)'],
    [401, 'Not signed in'],
    [403, 'The role may not read this collection'],
    [404, 'No such collection, or a feature outside the caller\'s jurisdiction'],
    [500, 'Server error'],
  ].map(([status, description]) => [status, { description: String(description), content: { [JSON_TYPE]: { schema: Exception } } }]),
);

const ok = (description: string, type: string, schema: ZodType) => ({ 200: { description, content: { [type]: { schema } } }, ...errors });

function registry(): OpenAPIRegistry {
  const r = new OpenAPIRegistry();
  r.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  r.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'gec_session' });
  const common = { tags: ['ogc'], security: [{ bearer: [] as string[] }, { session: [] as string[] }] as Record<string, string[]>[] };
  r.registerPath({
    ...common, method: 'get', path: '/', operationId: 'getLandingPage', summary: 'Landing page',
    request: { query: FormatQuery }, responses: ok('Links to the API definition, conformance and collections', JSON_TYPE, LandingPage),
  });
  r.registerPath({
    ...common, method: 'get', path: '/conformance', operationId: 'getConformanceDeclaration', summary: 'Conformance classes',
    request: { query: FormatQuery }, responses: ok('The conformance classes implemented', JSON_TYPE, ConfClasses),
  });
  r.registerPath({
    ...common, method: 'get', path: '/collections', operationId: 'getCollections', summary: 'Feature collections the caller may read',
    request: { query: FormatQuery }, responses: ok('The collections', JSON_TYPE, Collections),
  });
  r.registerPath({
    ...common, method: 'get', path: '/collections/{collectionId}', operationId: 'describeCollection', summary: 'One feature collection',
    request: { params: CollectionParams, query: FormatQuery }, responses: ok('The collection', JSON_TYPE, Collection),
  });
  r.registerPath({
    ...common, method: 'get', path: '/collections/{collectionId}/items', operationId: 'getFeatures',
    summary: 'Features of a collection in the caller\'s jurisdiction, paged with `next` links',
    request: { params: CollectionParams, query: ItemsQuery }, responses: ok('A page of features', GEOJSON, FeatureCollection),
  });
  r.registerPath({
    ...common, method: 'get', path: '/collections/{collectionId}/items/{featureId}', operationId: 'getFeature', summary: 'One feature',
    request: { params: ItemParams, query: FormatQuery }, responses: ok('The feature', GEOJSON, Feature),
  });
  return r;
}

const documents = new Map<string, unknown>();

/** Built once per base path; the server URL is relative, resolved against where it was fetched. */
export function ogcApiDefinition(base: string): unknown {
  if (documents.has(base)) return documents.get(base);
  const document = new OpenApiGeneratorV3(registry().definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'OGC API – Features: grid-based community epidemic control (网格化社区疫情防控系统)',
      version: '1.0.0',
      description: 'Features of the caller\'s jurisdiction. Sign in with a bearer token from POST /api/auth/login.',
    },
    servers: [{ url: base }],
  });
  documents.set(base, document);
  return document;
}
