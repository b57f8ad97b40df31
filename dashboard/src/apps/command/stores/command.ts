// The command center's state: the drill-down path, the time range, the summary of the current
// node, layer toggles, and a refresh tick that live events bump (map and panels watch it).
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { api, isAbort, latestOnly, qs } from '@shared/api/client';
import type { JurisdictionNode, NodeRef, Summary } from '@shared/api/types';
import type { Metric } from '@shared/layers/colors';
import { useSession } from '@shared/stores/session';

export type LayerId = 'choropleth' | 'heatmap' | 'heatpoints' | 'households' | 'tasks';
export type Bounds = [[number, number], [number, number]];

export function boundsOf(g: GeoJSON.Geometry): Bounds {
  let [x0, y0, x1, y1] = [180, 90, -180, -90];
  const walk = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    } else (c as unknown[]).forEach(walk);
  };
  if (g.type !== 'GeometryCollection') walk(g.coordinates);
  return [[x0, y0], [x1, y1]];
}

const unionBounds = (list: Bounds[]): Bounds => [
  [Math.min(...list.map((b) => b[0][0])), Math.min(...list.map((b) => b[0][1]))],
  [Math.max(...list.map((b) => b[1][0])), Math.max(...list.map((b) => b[1][1]))],
];

export const useCommand = defineStore('command', () => {
  const session = useSession();
  /** The scope root(s) of the user: what the empty breadcrumb and data-node-id="" stand for. */
  const roots = shallowRef<JurisdictionNode[]>([]);
  /** Drill-down path below the scope root; the last one is the current node. */
  const path = ref<NodeRef[]>([]);
  const current = computed<NodeRef | null>(() => path.value[path.value.length - 1] ?? null);
  const bounds = shallowRef<Bounds | null>(null);
  /** Boundary of what is viewed (the current node, or the scope roots): outlined and used to clip the heatmap. */
  const focus = shallowRef<GeoJSON.Geometry[]>([]);
  const from = ref('');
  const to = ref('');
  const metric = ref<Metric>('active');
  const layers = ref<Record<LayerId, boolean>>({ choropleth: true, heatmap: true, heatpoints: false, households: true, tasks: true });
  /** True over a GCJ-02 basemap: the WGS-84 vector tiles of points would sit ~500 m off, so they are not offered. */
  const pointLayersShifted = ref(false);
  /** Attribution of the deployment's basemap (empty without one). */
  const attribution = ref('');
  /** Bumped (debounced) by live events: everything that shows counts reloads. */
  const tick = ref(0);
  /** The open alerts' list is shown (from the overview's count or an alert in the feed). */
  const showAlerts = ref(false);

  /** Level of the nodes drawn and listed: the children of the current node (grids stay grids). */
  const viewLevel = computed(() => {
    if (current.value) return Math.min(5, current.value.level + 1);
    const levels = roots.value.map((r) => r.level);
    if (!levels.length) return 2;
    const min = Math.min(...levels);
    return roots.value.length > 1 ? min : Math.min(5, min + 1);
  });
  /** Which drawn nodes belong to the view: children of the current node, or the grid itself. */
  const parentFilter = computed<{ parentId?: number; id?: number } | null>(() => {
    const c = current.value;
    if (!c) return roots.value.length === 1 && roots.value[0].level < 5 ? { parentId: roots.value[0].id } : null;
    return c.level >= 5 ? { id: c.id } : { parentId: c.id };
  });

  const initializing = ref(false);
  let scoped: Promise<void> | null = null;
  /** Settles once the scope's roots have been loaded (or failed to); at once if none is loading. */
  const whenScoped = (): Promise<void> => (scoped ?? Promise.resolve()).catch(() => undefined);
  function init(): Promise<void> {
    scoped = loadRoots();
    return scoped;
  }
  async function loadRoots(): Promise<void> {
    initializing.value = true;
    const scope = session.me?.scope ?? [];
    const nodes = await Promise.all(scope.map((s) => api.get<JurisdictionNode>(`/api/jurisdictions/${s.id}?persons=false`))).finally(() => (initializing.value = false));
    roots.value = nodes;
    if (!path.value.length && nodes.length) {
      bounds.value = unionBounds(nodes.map((n) => boundsOf(n.geometry)));
      focus.value = nodes.map((n) => n.geometry);
    }
  }

  /** Boundaries of the nodes on the map (filled by the map view): a drill-down needs no round trip for them. */
  const knownGeometry = new Map<number, GeoJSON.Geometry>();
  function rememberGeometries(features: { geometry: GeoJSON.Geometry; properties: { id: number } }[]): void {
    if (knownGeometry.size > 20_000) knownGeometry.clear();
    for (const f of features) knownGeometry.set(f.properties.id, f.geometry);
  }
  function show(geometry: GeoJSON.Geometry): void {
    bounds.value = boundsOf(geometry);
    focus.value = [geometry];
  }

  const loadNode = latestOnly();
  /** Drill into a node below the current one (map click, jurisdiction row, breadcrumb). */
  async function drill(node: NodeRef): Promise<void> {
    const at = path.value.findIndex((n) => n.id === node.id);
    if (at >= 0) path.value = path.value.slice(0, at + 1);
    else if (roots.value.some((r) => r.id === node.id)) return goRoot();
    else {
      // Keep the path consistent: a node whose parent is not the current node replaces the tail.
      const parentAt = path.value.findIndex((n) => n.id === node.parentId);
      path.value = [...path.value.slice(0, parentAt + 1), node];
    }
    const known = knownGeometry.get(node.id);
    if (known) return show(known);
    try {
      const full = await loadNode((signal) => api.get<JurisdictionNode>(`/api/jurisdictions/${node.id}?persons=false`, signal));
      if (current.value?.id === full.id) show(full.geometry);
    } catch (err) {
      if (!isAbort(err)) console.warn('drill: node', err);
    }
  }

  function goRoot(): void {
    path.value = [];
    if (roots.value.length) {
      bounds.value = unionBounds(roots.value.map((n) => boundsOf(n.geometry)));
      focus.value = roots.value.map((n) => n.geometry);
    }
  }

  // ---- summary of the current node and range
  const summary = shallowRef<Summary | null>(null);
  const summaryError = ref<string | null>(null);
  const summaryLoading = ref(false);
  const loadSummary = latestOnly();
  async function refreshSummary(): Promise<void> {
    summaryLoading.value = true;
    try {
      const q = qs({ node: current.value?.id, from: from.value, to: to.value });
      summary.value = await loadSummary((signal) => api.get<Summary>(`/api/stats/summary${q}`, signal));
      summaryError.value = null;
      summaryLoading.value = false;
    } catch (err) {
      if (isAbort(err)) return;
      summaryError.value = err instanceof Error ? err.message : String(err);
      summaryLoading.value = false;
    }
  }
  watch([current, from, to, tick], () => void refreshSummary());

  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Live events arrive in bursts: one refresh a second at most. */
  function liveChanged(): void {
    if (liveTimer) return;
    liveTimer = setTimeout(() => {
      liveTimer = undefined;
      tick.value++;
    }, 1000);
  }

  function setRange(f: string, t: string): void {
    from.value = f;
    to.value = t;
  }

  return {
    roots, path, current, bounds, focus, pointLayersShifted, attribution, from, to, metric, layers, tick, showAlerts, viewLevel, parentFilter,
    summary, summaryError, summaryLoading, rememberGeometries, init, whenScoped,
    initializing, drill, goRoot, refreshSummary, liveChanged, setRange,
  };
});
