import { describe, expect, it } from 'vitest';
import gcoordModule from 'gcoord';
import { guessMapping, mapFeatures, parseBoundaryFile, type BoundaryMapping } from './index.ts';
import { metresBetween, outerRing, refusal, zipOf } from './test-support.ts';

const gcoord = gcoordModule as unknown as typeof gcoordModule.default;
const opts = { crs: 'wgs84' as const };

const ring = (points: number[][]) => `<LinearRing><coordinates>${points.map((p) => p.join(',')).join(' ')}</coordinates></LinearRing>`;
const polygon = (points: number[][]) => `<Polygon><outerBoundaryIs>${ring(points)}</outerBoundaryIs></Polygon>`;

function kml(placemarks: string, declaration = '<?xml version="1.0" encoding="UTF-8"?>'): string {
  return `${declaration}
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <Style id="line"><PolyStyle><color>7f00ff00</color></PolyStyle></Style>
  <Schema name="boundary" id="boundary"><SimpleField name="code" type="string"/><SimpleField name="level" type="string"/><SimpleField name="parent_code" type="string"/></Schema>
  <Folder><name>江岸区</name>${placemarks}</Folder>
</Document></kml>`;
}

function placemark(name: string, data: Record<string, string>, geometry: string): string {
  const fields = Object.entries(data).map(([k, v]) => `<SimpleData name="${k}">${v}</SimpleData>`).join('');
  return `<Placemark><name>${name}</name><styleUrl>#line</styleUrl><ExtendedData><SchemaData schemaUrl="#boundary">${fields}</SchemaData></ExtendedData>${geometry}</Placemark>`;
}

const STREETS = kml(
  placemark('大智街道', { code: '420102001', level: '街道', parent_code: '420102' },
    polygon([[114.29, 30.59, 25], [114.3, 30.59, 25], [114.3, 30.6, 25], [114.29, 30.6, 25]])) +
  placemark('一元街道', { code: '420102002', level: '街道', parent_code: '420102' },
    `<MultiGeometry>${polygon([[114.31, 30.59], [114.32, 30.59], [114.32, 30.6], [114.31, 30.59]])}${polygon([[114.33, 30.59], [114.34, 30.59], [114.34, 30.6], [114.33, 30.59]])}<Point><coordinates>114.315,30.595</coordinates></Point></MultiGeometry>`),
);

describe('KML and KMZ', () => {
  it('reads placemark polygons with name and ExtendedData as properties, no style noise', async () => {
    const file = await parseBoundaryFile(Buffer.from(STREETS), 'streets.kml', opts);
    expect(file.format).toBe('kml');
    expect(file.crs).toEqual({ stated: 'wgs84', detected: 'EPSG:4326 (WGS 84, as KML is by its standard)', used: 'none: WGS-84 longitude/latitude as is' });
    expect(file.propertyNames).toEqual(['name', 'code', 'level', 'parent_code']);
    // Unclosed in the file, altitude dropped.
    expect(file.features[0].geometry).toEqual({ type: 'Polygon', coordinates: [[[114.29, 30.59], [114.3, 30.59], [114.3, 30.6], [114.29, 30.6], [114.29, 30.59]]] });
    // The label point beside the polygons is not part of the boundary.
    expect(file.features[1].geometry?.type).toBe('MultiPolygon');
    expect(file.features[1].geometry && 'coordinates' in file.features[1].geometry && file.features[1].geometry.coordinates).toHaveLength(2);

    const { nodes, problems } = mapFeatures(file, guessMapping(file.propertyNames) as BoundaryMapping);
    expect(problems).toEqual([]);
    expect(nodes.map((n) => [n.code, n.name, n.level, n.parentCode])).toEqual([
      ['420102001', '大智街道', 3, '420102'],
      ['420102002', '一元街道', 3, '420102'],
    ]);
  });

  it('reads a KMZ (zipped doc.kml), even when its name says otherwise', async () => {
    const kmz = await zipOf({ 'doc.kml': STREETS, 'files/icon.png': Buffer.from([0x89, 0x50]) });
    const file = await parseBoundaryFile(kmz, 'boundaries.geojson', opts);
    expect(file.format).toBe('kml');
    expect(file.features.map((f) => f.properties.name)).toEqual(['大智街道', '一元街道']);
  });

  it('reads a KML its declaration says is GBK', async () => {
    const text = kml(placemark('大智街道', { code: '420102001' }, polygon([[114.29, 30.59], [114.3, 30.59], [114.3, 30.6]])), '<?xml version="1.0" encoding="GBK"?>');
    const gbk = Buffer.from(new Uint8Array([...text].flatMap((c) => [...gbkBytes(c)])));
    const file = await parseBoundaryFile(gbk, 'gbk.kml', opts);
    expect(file.features[0].properties.name).toBe('大智街道');
  });

  it('converts a KML stated as BD-09 (Baidu) back to WGS-84 within 1 m', async () => {
    const truth = [[114.3025, 30.5446], [114.365, 30.54], [114.28, 30.6]];
    const baidu = truth.map((p) => gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.BD09));
    expect(metresBetween(baidu[0], truth[0])).toBeGreaterThan(100);
    const file = await parseBoundaryFile(Buffer.from(kml(placemark('网格', {}, polygon(baidu)))), 'baidu.kml', { crs: 'bd09' });
    expect(file.crs.used).toBe('BD-09 → WGS-84 as stated (gcoord)');
    const got = outerRing(file.features[0].geometry);
    truth.forEach((p, i) => expect(metresBetween(got[i], p)).toBeLessThan(1));
  });

  it('refuses a KML without polygons', async () => {
    const pins = kml(placemark('社区服务中心', {}, '<Point><coordinates>114.3,30.59</coordinates></Point>'));
    const error = await refusal(parseBoundaryFile(Buffer.from(pins), 'pins.kml', opts));
    expect([error.code, error.field]).toEqual(['no_polygons', 'file']);
  });

  it('refuses broken XML and XML that is not KML', async () => {
    const broken = await refusal(parseBoundaryFile(Buffer.from('<kml><Document></kml>'), 'a.kml', opts));
    expect([broken.code, broken.field]).toEqual(['invalid_kml', 'file']);
    const gpx = await refusal(parseBoundaryFile(Buffer.from('<?xml version="1.0"?><gpx version="1.1"></gpx>'), 'a.kml', opts));
    expect([gpx.code, gpx.field]).toEqual(['unknown_format', 'file']);
  });
});

/** GBK bytes of one character (ASCII as is), via the decoder's table: enough for a test. */
function gbkBytes(c: string): Uint8Array {
  if (c.charCodeAt(0) < 0x80) return new Uint8Array([c.charCodeAt(0)]);
  const decoder = new TextDecoder('gbk');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (decoder.decode(new Uint8Array([hi, lo])) === c) return new Uint8Array([hi, lo]);
    }
  }
  throw new Error(`no GBK bytes for ${c}`);
}
