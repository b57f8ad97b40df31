// /api/tiles: Mapbox vector tiles of grids, households, persons and tasks in the caller's scope,
// and a TileJSON document per layer.
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { Zoom } from '../geo/bbox.ts';
import { LAYERS } from './queries.ts';
import * as service from './service.ts';

const tags = ['tiles'];
const Layer = z.enum(LAYERS).openapi({ example: 'grids' });
const TileIndex = z.coerce.number().int().min(0);
/** The row, optionally with the `.pbf` or `.mvt` suffix many tile clients append (same tile). */
const TileRow = z
  .string()
  .regex(/^\d+(\.(pbf|mvt))?$/, 'must be a tile row, optionally with .pbf or .mvt')
  .transform((s) => Number.parseInt(s, 10))
  .openapi({ type: 'string', example: '5.pbf', description: 'Tile row; `5`, `5.pbf` and `5.mvt` are the same tile' });

const TileParams = z
  .strictObject({ layer: Layer, z: Zoom, x: TileIndex, y: TileRow })
  .superRefine((p, ctx) => {
    const n = 2 ** p.z;
    for (const k of ['x', 'y'] as const) {
      if (p[k] >= n) ctx.addIssue({ code: 'custom', path: [k], message: `must be between 0 and ${n - 1} at zoom ${p.z}` });
    }
  });

export function tileRoutes(routes: Routes, app: AppContext): void {
  routes.add({
    method: 'get',
    path: '/api/tiles/:layer.json',
    summary: 'TileJSON 3.0.0 of a vector tile layer',
    tags,
    access: { authenticated: true },
    params: z.strictObject({ layer: Layer }),
    handler: ({ scoped, user, params, ctx }) => service.tileJson(app, scoped, user, params.layer, `${ctx.protocol}://${ctx.host}`),
  });
  routes.add({
    method: 'get',
    path: '/api/tiles/:layer/:z/:x/:y',
    summary: 'Mapbox vector tile (MVT) of one layer in the caller\'s scope (y may end in .pbf or .mvt); weak ETag, 304 on If-None-Match; gzip on Accept-Encoding',
    tags,
    access: { authenticated: true },
    params: TileParams,
    async handler({ scoped, user, params, ctx }) {
      const gzip = ctx.acceptsEncodings('gzip', 'identity') === 'gzip';
      const tile = await service.getTile(app, scoped, user, params.layer, params.z, params.x, params.y, ctx.get('if-none-match') || undefined, gzip, ctx.ip);
      ctx.set('ETag', tile.etag);
      // Revalidate every time: the ETag follows the data version, so a change shows at once.
      ctx.set('Cache-Control', 'private, no-cache');
      // Also on a 304 and on identity answers: caches must key the two codings apart.
      ctx.vary('Accept-Encoding');
      ctx.set('X-Tile-Cache', tile.cached ? 'hit' : 'miss');
      if (!tile.body) {
        ctx.status = 304;
        return undefined;
      }
      ctx.type = 'application/vnd.mapbox-vector-tile';
      if (tile.gzipped) ctx.set('Content-Encoding', 'gzip');
      ctx.body = tile.body;
      return undefined;
    },
  });
}
