// The first maplibre style of every map: a plain background (no external tiles: the maps work
// offline) and the deployment's optional basemap under the data.
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { Basemap } from './basemap';

/** The command room's dark background; phones in daylight use a light one. */
export const COMMAND_BACKGROUND = '#071426';
export const FIELD_BACKGROUND = '#eef1f5';

export function buildStyle(basemap: Basemap | null, background: string): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  const layers: LayerSpecification[] = [{ id: 'background', type: 'background', paint: { 'background-color': background } }];
  if (basemap) {
    Object.assign(sources, basemap.sources);
    layers.push(...basemap.layers);
  }
  return { version: 8, sources, layers };
}
