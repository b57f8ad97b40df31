// The deployment's optional basemap as maplibre sources and layers: an XYZ/WMTS raster template,
// or a PMTiles archive served by the API (raster as is; vector drawn as faint generic outlines,
// since no glyphs or sprites are available offline).
import type { LayerSpecification, SourceSpecification } from 'maplibre-gl';
import * as maplibregl from 'maplibre-gl';
import type { MapConfig } from '../api/types';

export interface Basemap {
  sources: Record<string, SourceSpecification>;
  layers: LayerSpecification[];
}

const RASTER_PAINT = { 'raster-opacity': 0.55, 'raster-saturation': -0.6, 'raster-brightness-max': 0.6 };

export async function loadBasemap(cfg: MapConfig['basemap']): Promise<Basemap | null> {
  if (!cfg) return null;
  if (cfg.type === 'xyz') {
    return {
      sources: { basemap: { type: 'raster', tiles: [cfg.url], tileSize: 256, attribution: cfg.attribution } },
      layers: [{ id: 'basemap', type: 'raster', source: 'basemap', paint: RASTER_PAINT }],
    };
  }
  const { PMTiles, Protocol, TileType } = await import('pmtiles');
  const url = new URL(cfg.url, location.href).href;
  const protocol = new Protocol();
  const archive = new PMTiles(url);
  protocol.add(archive);
  maplibregl.addProtocol('pmtiles', protocol.tile);
  const header = await archive.getHeader();
  if (header.tileType !== TileType.Mvt) {
    return {
      sources: { basemap: { type: 'raster', url: `pmtiles://${url}`, tileSize: 256, attribution: cfg.attribution } },
      layers: [{ id: 'basemap', type: 'raster', source: 'basemap', paint: RASTER_PAINT }],
    };
  }
  const meta = (await archive.getMetadata().catch(() => ({}))) as { vector_layers?: { id: string }[] };
  const ids = (meta.vector_layers ?? []).map((l) => l.id);
  const layers: LayerSpecification[] = ids.flatMap((id): LayerSpecification[] => [
    { id: `basemap-fill-${id}`, type: 'fill', source: 'basemap', 'source-layer': id, paint: { 'fill-color': '#10233d', 'fill-opacity': 0.5 } },
    { id: `basemap-line-${id}`, type: 'line', source: 'basemap', 'source-layer': id, paint: { 'line-color': '#2b4a6f', 'line-width': 0.6, 'line-opacity': 0.7 } },
  ]);
  return { sources: { basemap: { type: 'vector', url: `pmtiles://${url}`, attribution: cfg.attribution } }, layers };
}
