// The command center's point layers: the households/tasks/persons vector tiles of the API (circles
// only: no glyphs or sprites are needed offline). The first style is shared (@shared/map/style).
import type { LayerSpecification, SourceSpecification } from 'maplibre-gl';
import { STATUS_COLORS } from '@shared/layers/colors';

/**
 * The point layers, added once the map has loaded (MapView): vector sources in the first style held
 * the map's first frame back by about a second on a cold start, for tiles that only exist from
 * zoom 11 on. `persons` is shown with households (same toggle) and only to roles that may see
 * individuals (null otherwise): a person's point is as revealing as the heat points of
 * /api/stats/heatmap/points.
 */
/**
 * A circle's radius from zoom, grown by how many it stands for: for roles without the right to
 * exact locations the API counts households, tasks and persons per grid (count or households).
 */
function radius(field: 'count' | 'households', atZoom: [number, number, number, number]): unknown {
  const scale = ['+', 1, ['log10', ['max', 1, ['coalesce', ['get', field], 1]]]];
  return ['interpolate', ['linear'], ['zoom'], atZoom[0], ['*', atZoom[1], scale], atZoom[2], ['*', atZoom[3], scale]];
}

export function pointLayers(show: { households: boolean; tasks: boolean; persons: boolean | null }): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
  const sources: Record<string, SourceSpecification> = {
    households: { type: 'vector', tiles: [`${location.origin}/api/tiles/households/{z}/{x}/{y}`], minzoom: 14, maxzoom: 16 },
    tasks: { type: 'vector', tiles: [`${location.origin}/api/tiles/tasks/{z}/{x}/{y}`], minzoom: 11, maxzoom: 16 },
  };
  if (show.persons !== null) {
    sources.persons = { type: 'vector', tiles: [`${location.origin}/api/tiles/persons/{z}/{x}/{y}`], minzoom: 15, maxzoom: 16 };
  }
  const layers: LayerSpecification[] = [];
  layers.push(
    {
      id: 'households', type: 'circle', source: 'households', 'source-layer': 'households', minzoom: 14,
      layout: { visibility: show.households ? 'visible' : 'none' },
      paint: { 'circle-radius': radius('households', [14, 1.5, 18, 5]) as never, 'circle-color': '#9fb3c8', 'circle-opacity': 0.8 },
    },
    {
      id: 'tasks', type: 'circle', source: 'tasks', 'source-layer': 'tasks', minzoom: 11,
      layout: { visibility: show.tasks ? 'visible' : 'none' },
      filter: ['in', ['get', 'state'], ['literal', ['open', 'done']]],
      paint: {
        'circle-radius': radius('count', [11, 2.5, 17, 7]) as never,
        'circle-color': ['match', ['get', 'state'], 'open', '#ffd666', '#52c41a'],
        'circle-stroke-color': '#071426', 'circle-stroke-width': 1,
      },
    },
  );
  if (show.persons !== null) {
    const colors = Object.entries(STATUS_COLORS).flat();
    layers.push({
      id: 'persons', type: 'circle', source: 'persons', 'source-layer': 'persons', minzoom: 15,
      layout: { visibility: show.persons ? 'visible' : 'none' },
      paint: {
        'circle-radius': radius('count', [15, 2.5, 18, 6]) as never,
        'circle-color': ['match', ['get', 'status'], ...colors, '#cccccc'] as never,
        'circle-stroke-color': '#071426', 'circle-stroke-width': 0.8,
      },
    });
  }
  return { sources, layers };
}
