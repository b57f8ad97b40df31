// Starts the first view's data requests from the view that holds the map, as soon as the scope's
// bounds and the map's box are known: the map code is still loading then (see view.ts, data.ts).
import { onMounted, watch, type Ref } from 'vue';
import { useCommand } from '../stores/command';
import { primeView } from './data';
import { fitZoom, heatZoomFor, paddingFor, type Padding } from './view';

export interface MapBoxOptions {
  padding?: Padding;
  pixelScale?: number;
  compact?: boolean;
}

/** Asks for the scope's first view in a map of width × height CSS pixels (once the scope's bounds are known). */
export function primeFirstView(width: number, height: number, options: MapBoxOptions): void {
  const command = useCommand();
  const b = command.bounds;
  if (!b || command.current || !width || !height) return;
  const { padding, pixelScale, compact } = options;
  const zoom = fitZoom(b, width, height, paddingFor(width, height, padding));
  primeView([b[0][0], b[0][1], b[1][0], b[1][1]], {
    node: '', level: command.viewLevel, from: command.from, to: command.to, tick: command.tick, zoom,
    heatZoom: command.layers.heatmap ? heatZoomFor(zoom, pixelScale, compact) : null,
  });
}

/** `box`: the element the map will fill; `options`: the props MapView will get. */
export function usePrimedFirstView(box: Ref<HTMLElement | undefined>, options: () => MapBoxOptions): void {
  const command = useCommand();
  let primed = false;
  const prime = () => {
    const el = box.value;
    // Only the scope's own first view: after a drill-down the map is there to ask itself.
    if (primed || !el || !command.bounds || command.current) return;
    primed = true;
    primeFirstView(el.clientWidth, el.clientHeight, options());
  };
  onMounted(prime);
  watch(() => command.bounds, prime);
}
