import { describe, expect, it } from 'vitest';
import { Location, NearPoint } from './point.ts';

describe('Location', () => {
  it('keeps a WGS-84 point as sent and moves GCJ-02 and BD-09 points back onto WGS-84', () => {
    const wgs = { lon: 114.305, lat: 30.593 };
    expect(Location.parse(wgs)).toEqual(wgs);
    expect(Location.parse({ ...wgs, crs: 'wgs84' })).toEqual(wgs);
    // GCJ-02 and BD-09 of that point, as WeChat and Baidu report it.
    const fromGcj = Location.parse({ lon: 114.310444, lat: 30.59059, crs: 'gcj02' });
    const fromBd = Location.parse({ lon: 114.317013, lat: 30.596294, crs: 'bd09' });
    for (const p of [fromGcj, fromBd]) {
      expect(Math.abs(p.lon - wgs.lon) * 96_000).toBeLessThan(2);
      expect(Math.abs(p.lat - wgs.lat) * 111_000).toBeLessThan(2);
    }
    // Outside China the datums coincide.
    expect(Location.parse({ lon: 2.35, lat: 48.85, crs: 'gcj02' })).toEqual({ lon: 2.35, lat: 48.85 });
    expect(Location.safeParse({ ...wgs, crs: 'WGS84' }).success).toBe(false);
  });
});

describe('NearPoint', () => {
  it('reads lon,lat and refuses anything else', () => {
    expect(NearPoint.parse('114.3,30.5')).toEqual({ lon: 114.3, lat: 30.5 });
    for (const bad of ['114.3', '114.3,', ',30', '114.3,30.5,1', 'a,b', '200,30', '114,-91']) expect(NearPoint.safeParse(bad).success, bad).toBe(false);
  });
});
