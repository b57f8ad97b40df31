// The deployment's basemap setting (GET /api/map/config), asked once per page; a server without the
// endpoint, or no network, means "no basemap".
import { api } from '../api/client';
import type { MapConfig } from '../api/types';

let mapConfig: Promise<MapConfig> | undefined;

export function fetchMapConfig(): Promise<MapConfig> {
  mapConfig ??= api.get<MapConfig>('/api/map/config').catch(() => ({ basemap: null, gcj02: false }));
  return mapConfig;
}
