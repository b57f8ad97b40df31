// /api/map: the basemap configuration for the dashboard and the PMTiles archive it may point to.
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { mapConfigView, PMTILES_URL, sendPmtiles } from './service.ts';

export function mapRoutes(routes: Routes, app: AppContext): void {
  const tags = ['map'];
  routes.add({
    method: 'get',
    path: '/api/map/config',
    summary: 'The basemap of this deployment (none, an XYZ/WMTS URL template, or the PMTiles archive below) and whether it is GCJ-02',
    tags,
    access: { authenticated: true },
    handler: async () => mapConfigView(app.config.map),
  });
  routes.add({
    method: 'get',
    path: PMTILES_URL,
    summary: 'The PMTiles basemap archive, with HTTP Range (206, 416), HEAD and ETag; 404 when none is configured',
    tags,
    access: { authenticated: true },
    handler: async ({ ctx }) => {
      await sendPmtiles(ctx, app.config.map);
      return undefined;
    },
  });
}
