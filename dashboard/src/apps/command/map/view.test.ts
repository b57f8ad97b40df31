// The first view worked out without the map: maplibre's fitBounds zoom, and the whole zooms of the
// requests. (The browser test checks fitZoom against maplibre itself: the primed data is used.)
import { describe, expect, it } from 'vitest';
import { choroplethZoom, containsBox, fitZoom, heatmapZoom, heatZoomFor, paddingFor } from './view';

describe('fitZoom', () => {
  it('is 0 for the whole width of the world in 512 px, and one more per halving', () => {
    expect(fitZoom([[-180, -10], [180, 10]], 512, 10_000, 0)).toBeCloseTo(0, 9);
    expect(fitZoom([[-180, -10], [0, 10]], 512, 10_000, 0)).toBeCloseTo(1, 9);
    expect(fitZoom([[0, -10], [90, 10]], 1024, 10_000, 0)).toBeCloseTo(3, 9);
  });

  it('fits the tighter of width and height, after padding', () => {
    // A city about 0.4° square at latitude 30.5 in a 956×1016 box with panels' padding.
    const b: [[number, number], [number, number]] = [[114.09, 30.38], [114.51, 30.76]];
    const pad = { top: 80, bottom: 180, left: 40, right: 40 };
    const z = fitZoom(b, 956, 1016, pad);
    const worldPx = 512 * 2 ** z;
    const w = ((114.51 - 114.09) / 360) * worldPx;
    const merc = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
    const h = ((merc(30.76) - merc(30.38)) / (2 * Math.PI)) * worldPx;
    // Height is the tighter side here: it fills exactly, the width has room.
    expect(h).toBeCloseTo(1016 - 80 - 180, 6);
    expect(w).toBeLessThan(956 - 80);
  });

  it('stops at the maximum zoom for a tiny selection', () => {
    expect(fitZoom([[114, 30], [114.00001, 30.00001]], 900, 900, 10)).toBe(17);
  });
});

describe('view helpers', () => {
  it('pads like MapView and falls back to 10 px when the panels would not leave room', () => {
    expect(paddingFor(900, 900, { top: 50, right: 10, bottom: 150, left: 10 })).toEqual({ top: 80, right: 40, bottom: 180, left: 40 });
    expect(paddingFor(120, 900, { top: 50, right: 10, bottom: 150, left: 10 })).toBe(10);
  });

  it('makes whole request zooms the way the requests do, with finer heat cells on the phone and coarser on a 4K wall', () => {
    expect([choroplethZoom(10.7), heatmapZoom(10.7), heatmapZoom(10.4), choroplethZoom(30), heatmapZoom(-2)]).toEqual([10, 11, 10, 22, 0]);
    expect(heatZoomFor(10.6)).toBeCloseTo(10.6);
    expect(heatZoomFor(10.6, 2)).toBeCloseTo(9.6);
    expect(heatZoomFor(10.6, 1, true)).toBeCloseTo(11.6);
  });

  it('tells whether one box contains another', () => {
    expect(containsBox([0, 0, 10, 10], [1, 1, 9, 9])).toBe(true);
    expect(containsBox([0, 0, 10, 10], [0, 0, 10, 10])).toBe(true);
    expect(containsBox([0, 0, 10, 10], [-1, 1, 9, 9])).toBe(false);
  });
});
