import { describe, expect, it } from 'vitest';
import { distanceM, formatDistance } from './distance';
import { mapLink, toBd09, toGcj02 } from './navigate';

// Reference values published with the coordtransform library (an implementation independent of
// gcoord): WGS-84 (116.404, 39.915) → GCJ-02 (116.41024449916938, 39.91640428150164).
describe('WGS-84 → GCJ-02 / BD-09 for the map apps', () => {
  it('matches the published conversion of a point in Beijing', () => {
    const [lon, lat] = toGcj02(116.404, 39.915);
    expect(lon).toBeCloseTo(116.410244, 6);
    expect(lat).toBeCloseTo(39.916404, 6);
  });

  it('matches the published BD-09 of a point whose GCJ-02 is published too', () => {
    // Published: gcj02towgs84(116.404, 39.915) = (116.39775550083061, 39.91359571849836) and
    // gcj02tobd09(116.404, 39.915) = (116.41036949371029, 39.92133699351021). The WGS-84 → GCJ-02
    // inverse is iterative, so metre-level (1e-5°) agreement is what can be asked.
    const [lon, lat] = toBd09(116.39775550083061, 39.91359571849836);
    expect(lon).toBeCloseTo(116.410369, 5);
    expect(lat).toBeCloseTo(39.921337, 5);
  });

  it('puts each app\'s datum into its link, and WGS-84 into geo:', () => {
    const place = { lon: 116.404, lat: 39.915, name: '东一社区3号楼' };
    expect(mapLink('amap', place)).toContain('to=116.410244,39.916404,');
    expect(mapLink('amap', place)).toContain('coordinate=gaode');
    expect(mapLink('tencent', place)).toContain('tocoord=39.916404,116.410244');
    const baidu = mapLink('baidu', place);
    expect(baidu).toContain('coord_type=bd09ll');
    const [blon, blat] = toBd09(116.404, 39.915);
    expect(baidu).toContain(`latlng:${blat},${blon}`);
    expect(mapLink('geo', place)).toBe(`geo:39.915,116.404?q=39.915,116.404(${encodeURIComponent('东一社区3号楼')})`);
    expect(mapLink('amap', place)).toContain(encodeURIComponent('东一社区3号楼'));
  });

  it('leaves points outside China unshifted (the datums only differ inside it)', () => {
    expect(toGcj02(2.35, 48.85)).toEqual([2.35, 48.85]);
  });
});

describe('distances', () => {
  it('measures a degree of latitude as about 111 km and formats metres and kilometres', () => {
    expect(distanceM({ lon: 114, lat: 30 }, { lon: 114, lat: 31 })).toBeGreaterThan(110_000);
    expect(distanceM({ lon: 114, lat: 30 }, { lon: 114, lat: 31 })).toBeLessThan(112_000);
    expect(formatDistance(420.4)).toBe('420 m');
    expect(formatDistance(2345)).toBe('2.3 km');
    expect(formatDistance(null)).toBe('');
  });
});
