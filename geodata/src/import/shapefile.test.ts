import { describe, expect, it } from 'vitest';
import * as shpwrite from '@mapbox/shp-write';
import gcoordModule from 'gcoord';
import { guessMapping, mapFeatures, parseBoundaryFile, type BoundaryMapping } from './index.ts';
import { WUHAN, filesOf, fixture, metresBetween, outerRing, refusal, zipOf } from './test-support.ts';

const gcoord = gcoordModule as unknown as typeof gcoordModule.default;
const gk = () => fixture('wuhan-gk4547-gbk.zip');
const opts = { crs: 'wgs84' as const };

/** The GDAL fixture with some of its files replaced (a string) or removed (null). */
async function gkWith(changes: Record<string, string | Buffer | null>): Promise<Buffer> {
  const files: Record<string, Buffer | string> = await filesOf(gk());
  for (const [name, content] of Object.entries(changes)) {
    if (content === null) delete files[name];
    else files[name] = content;
  }
  return zipOf(files);
}

function expectWuhanTriangle(ring: number[][]) {
  expect(ring).toHaveLength(4);
  // GDAL wrote the ring clockwise, as Shapefiles want: every truth point is one of its vertices.
  for (const p of WUHAN) {
    const nearest = Math.min(...ring.map((v) => metresBetween(v, [p.lon, p.lat])));
    expect(nearest).toBeLessThan(0.5);
  }
}

const OGC_WKT_4547 =
  'PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",114],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","4547"]]';
/** The same projection as a 3-degree zone with the zone number (38) in the easting: EPSG:4526. */
const ESRI_WKT_ZONE_38 =
  'PROJCS["CGCS2000_3_Degree_GK_Zone_38",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",38500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
const XIAN_1980_WKT =
  'PROJCS["Xian_1980_3_Degree_GK_CM_114E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

describe('zipped Shapefile', () => {
  it('reads GDAL\'s EPSG:4547 Shapefile to within 0.5 m of the WGS-84 truth, with GBK names', async () => {
    const file = await parseBoundaryFile(gk(), 'wuhan.zip', opts);
    expect(file.format).toBe('shapefile');
    expect(file.crs.detected).toBe('EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)');
    expect(file.crs.used).toBe('EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E) → WGS-84 longitude/latitude (proj4)');
    expect(file.propertyNames).toEqual(['CODE', 'NAME', 'LEVEL', 'PARENT', '备注']);
    expect(file.features.map((f) => f.properties.NAME)).toEqual(['大智社区', '大智社区第一网格']);
    expect(file.features[0].properties['备注']).toBe('江岸区大智街道');
    expectWuhanTriangle(outerRing(file.features[0].geometry));
  });

  it('maps the Shapefile to nodes: numeric codes as text without losing digits', async () => {
    const file = await parseBoundaryFile(gk(), 'wuhan.zip', opts);
    const mapping = guessMapping(file.propertyNames);
    expect(mapping).toEqual({ code: 'CODE', name: 'NAME', level: { property: 'LEVEL' }, parentCode: 'PARENT' });
    const { nodes, problems } = mapFeatures(file, mapping as BoundaryMapping);
    expect(problems).toEqual([]);
    expect(nodes.map((n) => [n.code, n.level, n.parentCode])).toEqual([
      ['420102001001', 4, '420102001'],
      ['420102001001000101', 5, '420102001001'],
    ]);
  });

  it('reads the GBK table by its .cpg "936", and without a .cpg at all', async () => {
    for (const cpg of ['936', 'ANSI 936', 'GBK', null]) {
      const file = await parseBoundaryFile(await gkWith({ 'wuhan_gk.cpg': cpg }), 'wuhan.zip', opts);
      expect(file.features[1].properties.NAME, `cpg ${cpg}`).toBe('大智社区第一网格');
    }
  });

  it('recognises the CRS from OGC WKT with its EPSG code and from a zone-prefixed ESRI WKT', async () => {
    const ogc = await parseBoundaryFile(await gkWith({ 'wuhan_gk.prj': OGC_WKT_4547 }), 'wuhan.zip', opts);
    expect(ogc.crs.detected).toBe('EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)');
    expectWuhanTriangle(outerRing(ogc.features[0].geometry));
    // Same coordinates read as zone 38: 38 000 km further east is not China, so the test can fail.
    const zone38 = await refusal(parseBoundaryFile(await gkWith({ 'wuhan_gk.prj': ESRI_WKT_ZONE_38 }), 'wuhan.zip', opts));
    expect([zone38.code, zone38.field]).toEqual(['coordinates_out_of_range', 'crs']);
  });

  it('refuses a CRS it cannot convert, naming it', async () => {
    const error = await refusal(parseBoundaryFile(await gkWith({ 'wuhan_gk.prj': XIAN_1980_WKT }), 'wuhan.zip', opts));
    expect([error.code, error.field]).toEqual(['unsupported_crs', 'crs']);
    expect(error.message).toContain('Xian_1980_3_Degree_GK_CM_114E');
  });

  it('leaves out a record deleted in the .dbf, with its shape', async () => {
    const dbf = Buffer.from((await filesOf(gk()))['wuhan_gk.dbf']);
    dbf[dbf.readUInt16LE(8)] = 0x2a; // the first record's deletion flag
    const file = await parseBoundaryFile(await gkWith({ 'wuhan_gk.dbf': dbf }), 'wuhan.zip', opts);
    expect(file.features.map((f) => [f.index, f.properties.NAME, f.geometry?.type])).toEqual([[0, '大智社区第一网格', 'Polygon']]);
  });

  it('refuses projected coordinates without a .prj, saying why', async () => {
    const error = await refusal(parseBoundaryFile(await gkWith({ 'wuhan_gk.prj': null }), 'wuhan.zip', opts));
    expect([error.code, error.field]).toEqual(['missing_prj', 'crs']);
    expect(error.message).toContain('not longitude/latitude');
  });

  it('uses the stated CRS for longitude/latitude without a .prj: GCJ-02 back to WGS-84 within 1 m', async () => {
    const truth = WUHAN.map((p) => [p.lon, p.lat]);
    const shifted = truth.map((p) => gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.GCJ02));
    const collection = { type: 'FeatureCollection' as const, features: [
      { type: 'Feature' as const, properties: { code: '420102001001', name: '大智社区' }, geometry: { type: 'Polygon' as const, coordinates: [[...shifted, shifted[0]]] } },
    ] };
    const zipped = await shpwrite.zip(collection, { outputType: 'nodebuffer', compression: 'DEFLATE', types: { polygon: 'amap' } });
    const written = await filesOf(zipped as Buffer);
    const noPrj = Object.fromEntries(Object.entries(written).filter(([name]) => !name.endsWith('.prj')));
    const file = await parseBoundaryFile(await zipOf(noPrj), 'amap.zip', { crs: 'gcj02' });
    expect(file.crs).toEqual({ stated: 'gcj02', detected: null, used: 'GCJ-02 → WGS-84 as stated (gcoord)' });
    const ring = outerRing(file.features[0].geometry);
    for (const p of truth) expect(Math.min(...ring.map((v) => metresBetween(v, p)))).toBeLessThan(1);
  });

  it('refuses a zip without .dbf, without .shp, and with two Shapefiles (naming them)', async () => {
    const noDbf = await refusal(parseBoundaryFile(await gkWith({ 'wuhan_gk.dbf': null }), 'wuhan.zip', opts));
    expect([noDbf.code, noDbf.field]).toEqual(['missing_dbf', 'file']);
    const noShp = await refusal(parseBoundaryFile(await zipOf({ 'readme.txt': 'boundaries' }), 'wuhan.zip', opts));
    expect([noShp.code, noShp.field]).toEqual(['missing_shp', 'file']);
    const files = await filesOf(gk());
    const two = await zipOf({ ...files, 'jiang_an/grids.shp': files['wuhan_gk.shp'], 'jiang_an/grids.dbf': files['wuhan_gk.dbf'] });
    const error = await refusal(parseBoundaryFile(two, 'wuhan.zip', opts));
    expect([error.code, error.field]).toEqual(['multiple_shapefiles', 'file']);
    expect(error.message).toContain('wuhan_gk.shp');
    expect(error.message).toContain('jiang_an/grids.shp');
  });
});
