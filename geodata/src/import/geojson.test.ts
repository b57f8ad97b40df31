import { describe, expect, it } from 'vitest';
import gcoordModule from 'gcoord';
import { parseBoundaryFile } from './index.ts';
import { WUHAN, json, metresBetween, outerRing, refusal, square, twoLevelTree } from './test-support.ts';

const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

describe('GeoJSON', () => {
  it('reads a FeatureCollection as WGS-84 features with every property name', async () => {
    const file = await parseBoundaryFile(json(twoLevelTree), 'tree.geojson', { crs: 'wgs84' });
    expect(file.format).toBe('geojson');
    expect(file.crs).toEqual({ stated: 'wgs84', detected: null, used: 'none: WGS-84 longitude/latitude as is' });
    expect(file.propertyNames).toEqual(['code', 'name', 'level', 'parent_code']);
    expect(file.features.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(file.features[1].properties.name).toBe('大智街道');
    expect(outerRing(file.features[0].geometry)[2]).toEqual([114.38, 30.68]);
  });

  it('reads one Feature and a bare geometry, whatever the file is called', async () => {
    const one = await parseBoundaryFile(json(twoLevelTree.features[1]), 'boundary.shp', { crs: 'wgs84' });
    expect(one.features).toHaveLength(1);
    expect(one.features[0].properties.code).toBe('420102001');
    const bare = await parseBoundaryFile(json({ type: 'Polygon', coordinates: [square(114, 30)] }), 'x.json', { crs: 'wgs84' });
    expect(bare.features).toEqual([{ index: 0, properties: {}, geometry: { type: 'Polygon', coordinates: [square(114, 30)] } }]);
  });

  it('closes open rings, drops Z and rounds to 7 decimals; an empty geometry becomes null', async () => {
    const ring = [[114.123456789, 30.1, 12.5], [114.2, 30.1, 13], [114.2, 30.2, 14]];
    const file = await parseBoundaryFile(
      json({ type: 'FeatureCollection', features: [
        { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } },
        { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [] } },
        { type: 'Feature', properties: {}, geometry: null },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [114.1, 30.1] } },
      ] }),
      'f.geojson',
      { crs: 'wgs84' },
    );
    expect(file.features[0].geometry).toEqual({
      type: 'Polygon',
      coordinates: [[[114.1234568, 30.1], [114.2, 30.1], [114.2, 30.2], [114.1234568, 30.1]]],
    });
    expect(file.features[1].geometry).toBeNull();
    expect(file.features[2].geometry).toBeNull();
    expect(file.features[3].geometry).toEqual({ type: 'Point', coordinates: [114.1, 30.1] }); // the validator refuses it, not the reader
  });

  it('takes a crs member naming CGCS2000 or CRS84 as longitude/latitude', async () => {
    const named = (name: string) => json({ ...twoLevelTree, crs: { type: 'name', properties: { name } } });
    const cgcs = await parseBoundaryFile(named('urn:ogc:def:crs:EPSG::4490'), 't.geojson', { crs: 'wgs84' });
    expect(cgcs.crs.detected).toBe('EPSG:4490 (CGCS2000)');
    expect(outerRing(cgcs.features[1].geometry)[0]).toEqual([114.29, 30.59]);
    const crs84 = await parseBoundaryFile(named('urn:ogc:def:crs:OGC:1.3:CRS84'), 't.geojson', { crs: 'wgs84' });
    expect(crs84.crs.detected).toBe('EPSG:4326 (WGS 84)');
  });

  it('reprojects a crs member naming EPSG:4547 (CGCS2000 GK CM 114E) to within 0.5 m', async () => {
    const ring = WUHAN.map((p) => [p.easting, p.northing]);
    const gk = { type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:4547' } }, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] };
    const file = await parseBoundaryFile(json(gk), 'gk.geojson', { crs: 'wgs84' });
    expect(file.crs.detected).toBe('EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)');
    expect(file.crs.used).toContain('proj4');
    const got = outerRing(file.features[0].geometry);
    WUHAN.forEach((p, i) => expect(metresBetween(got[i], [p.lon, p.lat])).toBeLessThan(0.5));
  });

  it('converts a file stated as GCJ-02 back to WGS-84 within 1 m', async () => {
    const truth = [[114.3025, 30.5446], [114.365, 30.54], [114.28, 30.6]];
    const shifted = truth.map((p) => gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.GCJ02));
    expect(metresBetween(shifted[0], truth[0])).toBeGreaterThan(100); // the offset is real, so the test can fail
    const file = await parseBoundaryFile(json({ type: 'Polygon', coordinates: [shifted] }), 'amap.json', { crs: 'gcj02' });
    expect(file.crs.used).toBe('GCJ-02 → WGS-84 as stated (gcoord)');
    const got = outerRing(file.features[0].geometry);
    truth.forEach((p, i) => expect(metresBetween(got[i], p)).toBeLessThan(1));
  });

  it('refuses a crs member it cannot convert, naming it', async () => {
    const xian80 = json({ ...twoLevelTree, crs: { type: 'name', properties: { name: 'EPSG:2385' } } });
    const error = await refusal(parseBoundaryFile(xian80, 't.geojson', { crs: 'wgs84' }));
    expect([error.code, error.field]).toEqual(['unsupported_crs', 'crs']);
    expect(error.message).toContain('EPSG:2385');
  });

  it('refuses projected coordinates in a file that does not say its CRS', async () => {
    const ring = WUHAN.map((p) => [p.easting, p.northing]);
    const error = await refusal(parseBoundaryFile(json({ type: 'Polygon', coordinates: [ring] }), 'gk.json', { crs: 'wgs84' }));
    expect([error.code, error.field]).toEqual(['coordinates_out_of_range', 'crs']);
  });

  it('refuses content that is none of the formats, broken JSON, JSON that is not GeoJSON', async () => {
    const text = await refusal(parseBoundaryFile(Buffer.from('code,name\n1,a\n'), 'tree.geojson', { crs: 'wgs84' }));
    expect([text.code, text.field]).toEqual(['unknown_format', 'file']);
    const broken = await refusal(parseBoundaryFile(Buffer.from('{"type": "FeatureCollection", '), 'a.geojson', { crs: 'wgs84' }));
    expect([broken.code, broken.field]).toEqual(['invalid_json', 'file']);
    const other = await refusal(parseBoundaryFile(json({ rows: [] }), 'a.json', { crs: 'wgs84' }));
    expect([other.code, other.field]).toEqual(['unknown_format', 'file']);
    const empty = await refusal(parseBoundaryFile(json({ type: 'FeatureCollection', features: [] }), 'a.json', { crs: 'wgs84' }));
    expect([empty.code, empty.field]).toEqual(['no_features', 'file']);
    const nothing = await refusal(parseBoundaryFile(Buffer.alloc(0), 'empty.geojson', { crs: 'wgs84' }));
    expect([nothing.code, nothing.field, nothing.params]).toEqual(['empty_file', 'file', { file: 'empty.geojson' }]);
  });

  it('refuses a file over the size limit and one with too many features', async () => {
    const data = json(twoLevelTree);
    const large = await refusal(parseBoundaryFile(data, 't.geojson', { crs: 'wgs84', limits: { maxFileBytes: data.length - 1 } }));
    expect([large.code, large.field]).toEqual(['file_too_large', 'file']);
    const many = await refusal(parseBoundaryFile(data, 't.geojson', { crs: 'wgs84', limits: { maxFeatures: 2 } }));
    expect([many.code, many.field]).toEqual(['too_many_features', 'file']);
    await expect(parseBoundaryFile(data, 't.geojson', { crs: 'wgs84', limits: { maxFileBytes: data.length, maxFeatures: 3 } })).resolves.toBeTruthy();
  });
});
