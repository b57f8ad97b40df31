// Charts wait for the map: ECharts (0.6 MB of code, and its first render) would otherwise take
// the main thread while the map's first view is being drawn, which commanders look at first. The
// gate opens when the map has drawn its first view or failed, and in any case after a few seconds.
let open: (() => void) | null = null;
const gate = new Promise<void>((resolve) => (open = resolve));
/** Longest the charts wait for the map. */
export const CHART_GATE_MS = 3000;
let timer: ReturnType<typeof setTimeout> | undefined;

export function openChartGate(): void {
  clearTimeout(timer);
  open?.();
  open = null;
}

/** Resolves when charts may draw. */
export function chartsMayDraw(): Promise<void> {
  if (open && timer === undefined) timer = setTimeout(openChartGate, CHART_GATE_MS);
  return gate;
}
