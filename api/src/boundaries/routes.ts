// /api/boundaries: upload and validation of boundary files, versions, export and rollback (issue 11).
import type { AppContext } from '../context.ts';
import { langOf } from '../http/lang.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { applyImport, exportVersion, listVersions, rollbackToVersion } from './apply.ts';
import { Applied, ApplyBody, BoundaryMappingSchema, ImportCreated, ImportOut, RepairBody, Report, UploadFields, VersionList } from './schema.ts';
import { reportIn } from './messages.ts';
import { createImport, getImport, getMapping, importFeatures, maxFileBytes, repairFeature } from './service.ts';

const GEOJSON = 'application/geo+json';

export function boundaryRoutes(routes: Routes, app: AppContext): void {
  const tags = ['boundaries'];
  const access = { permission: 'boundary:manage' } as const;
  routes.add({
    method: 'post',
    path: '/api/boundaries/imports',
    summary:
      'Upload a boundary file (GeoJSON, zipped Shapefile, KML/KMZ) as multipart/form-data and validate it in PostGIS; 201 with the report. ' +
      'Nothing is written when the file cannot be read (400 naming file, crs or mapping). The mapping used is saved for the next upload. ' +
      'Problem messages come in the language of Accept-Language (zh → Simplified Chinese, else English).',
    tags,
    access,
    multipart: { file: 'file', maxBytes: maxFileBytes },
    body: UploadFields,
    status: 201,
    response: ImportCreated,
    handler: async ({ scoped, user, body, file, ctx }) => {
      const out = await createImport(app, scoped, user, file, body, ctx.ip || null);
      return { ...out, report: reportIn(out.report, langOf(ctx.get('accept-language'))) };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/boundaries/imports/:id',
    summary: 'An import with its status and validation report',
    tags,
    access,
    params: IdParams,
    response: ImportOut,
    handler: async ({ scoped, user, params, ctx }) => {
      const out = await getImport(app, scoped, user, params.id);
      return { ...out, report: reportIn(out.report, langOf(ctx.get('accept-language'))) };
    },
  });
  routes.add({
    method: 'get',
    path: '/api/boundaries/imports/:id/features',
    summary: 'The preview map of an import (application/geo+json): one feature per uploaded node (kind node, with severity and problem ids) and one per located problem (kind problem)',
    tags,
    access,
    params: IdParams,
    handler: async ({ scoped, user, params, ctx }) => {
      ctx.body = await importFeatures(app, scoped, user, params.id);
      ctx.type = GEOJSON;
      return undefined;
    },
  });
  routes.add({
    method: 'post',
    path: '/api/boundaries/imports/:id/repairs',
    summary: 'Accept (ST_MakeValid\'s polygonal result replaces the geometry) or refuse (it stays an error) the repair of one invalid feature; returns the report validated again',
    tags,
    access,
    params: IdParams,
    body: RepairBody,
    response: Report,
    handler: async ({ scoped, user, params, body, ctx }) =>
      reportIn(await repairFeature(app, scoped, user, params.id, body.featureIndex, body.accept, ctx.ip || null), langOf(ctx.get('accept-language'))),
  });
  routes.add({
    method: 'post',
    path: '/api/boundaries/imports/:id/apply',
    summary:
      'Apply a valid import as a new version in one transaction (kept codes keep their ids; every household and person re-derived). ' +
      '409 import_invalid, warnings_not_accepted, accounts_pinned (reassign them), version_changed, import_applied or import_superseded',
    tags,
    access,
    params: IdParams,
    body: ApplyBody,
    response: Applied,
    handler: ({ scoped, user, params, body, ctx }) => applyImport(app, scoped, user, params.id, body, ctx.ip || null),
  });
  routes.add({
    method: 'get',
    path: '/api/boundaries/versions',
    summary: 'Versions of the jurisdiction tree, newest first, with counts and the changes against the previous version',
    tags,
    access,
    response: VersionList,
    handler: ({ scoped, user }) => listVersions(app, scoped, user),
  });
  routes.add({
    method: 'get',
    path: '/api/boundaries/versions/:id/export',
    summary: 'A version\'s nodes as GeoJSON (properties code, name, level, parent_code: the layout the upload recognises), as an attachment',
    tags,
    access,
    params: IdParams,
    handler: async ({ scoped, user, params, ctx }) => {
      const { number, geojson } = await exportVersion(app, scoped, user, params.id);
      ctx.body = geojson;
      ctx.type = GEOJSON;
      ctx.set('Content-Disposition', `attachment; filename="boundaries-v${number}.geojson"`);
      return undefined;
    },
  });
  routes.add({
    method: 'post',
    path: '/api/boundaries/versions/:id/rollback',
    summary: 'Apply an earlier version as a new version (source rollback), validated and applied by the same rules and with the same answer as an import',
    tags,
    access,
    params: IdParams,
    body: ApplyBody,
    response: Applied,
    handler: ({ scoped, user, params, body, ctx }) => rollbackToVersion(app, scoped, user, params.id, body, ctx.ip || null),
  });
  routes.add({
    method: 'get',
    path: '/api/boundaries/mapping',
    summary: 'The attribute mapping of the tenant\'s last upload, or null',
    tags,
    access,
    response: BoundaryMappingSchema.nullable(),
    handler: async ({ scoped, user, ctx }) => {
      // A JSON null, not an empty 204: Koa treats a null body as no content.
      ctx.body = JSON.stringify(await getMapping(app, scoped, user));
      ctx.type = 'application/json';
      return undefined;
    },
  });
}
