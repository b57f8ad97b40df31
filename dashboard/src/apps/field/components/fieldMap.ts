// A maplibre map for a phone: the light background, the deployment's basemap if there is one (none by
// default: nothing is fetched from outside), and the positions shifted onto a GCJ-02 basemap when
// the deployment says so. Loaded only with the views that show a map.
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { loadBasemap } from '@shared/map/basemap';
import { fetchMapConfig } from '@shared/map/config';
import { fromGcj02, identity, toGcj02, type Project } from '@shared/map/gcj';
import { buildStyle, FIELD_BACKGROUND } from '@shared/map/style';

maplibregl.setWorkerUrl(workerUrl);

export interface FieldMap {
  map: maplibregl.Map;
  /** WGS-84 → the map's datum (identity unless the basemap is GCJ-02). */
  project: Project;
  /** The map's datum → WGS-84, for a point the user picked. */
  unproject: Project;
  loaded: Promise<void>;
}

export { maplibregl };

export async function createFieldMap(container: HTMLElement, center: [number, number], zoom = 15): Promise<FieldMap> {
  const cfg = await fetchMapConfig();
  const basemap = await loadBasemap(cfg.basemap).catch(() => null);
  const project = cfg.gcj02 ? toGcj02 : identity;
  const unproject = cfg.gcj02 ? fromGcj02 : identity;
  const map = new maplibregl.Map({
    container,
    style: buildStyle(basemap, FIELD_BACKGROUND),
    center: project(center),
    zoom,
    attributionControl: basemap ? { compact: true } : false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));
  return { map, project, unproject, loaded };
}

/** Grid outlines around a point (the jurisdiction boundaries the worker walks), as GeoJSON. */
export async function gridOutlines(bbox: [number, number, number, number]): Promise<GeoJSON.FeatureCollection | null> {
  const res = await fetch(`/api/jurisdictions/geojson?level=5&zoom=15&bbox=${bbox.map((x) => x.toFixed(5)).join(',')}`, { credentials: 'same-origin' }).catch(() => null);
  return res?.ok ? ((await res.json()) as GeoJSON.FeatureCollection) : null;
}
