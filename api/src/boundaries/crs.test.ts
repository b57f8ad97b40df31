// Files in other coordinate systems land where they should: a GCJ-02 GeoJSON (Amap, Tencent) and a
// Shapefile in a CGCS2000 Gauss-Kruger projection, checked by households at known WGS-84 points.
import * as shpwrite from '@mapbox/shp-write';
import gcoordModule from 'gcoord';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { feature, originOf, signIn, type FC, type Uploader } from './test-helpers.ts';

const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

type Pt = [number, number];
const polygon = (pts: Pt[]) => ({ type: 'Polygon', coordinates: [[...pts, pts[0]]] });

/**
 * The fixture's tree with the A/B border at x1. Every ring holds every vertex of the borders on it,
 * so that a conversion that bends straight edges keeps neighbours and parents sharing them.
 */
function treeWithBorder(f: Fixture, x1: number): FC {
  const { ox, oy } = originOf(f);
  const [x2, x4, y4] = [ox + 0.2, ox + 0.4, oy + 0.4];
  const west: Pt[] = [[ox, oy], [x1, oy], [x2, oy], [x2, y4], [x1, y4], [ox, y4]];
  const east: Pt[] = [[x2, oy], [x4, oy], [x4, y4], [x2, y4]];
  const c = (k: string) => `${f.code}-${k}`;
  return {
    type: 'FeatureCollection',
    features: [
      feature(c('city'), '测试市', 1, null, polygon([[ox, oy], [x1, oy], [x2, oy], [x4, oy], [x4, y4], [x2, y4], [x1, y4], [ox, y4]])),
      feature(c('d1'), '东区', 2, c('city'), polygon(west)),
      feature(c('d2'), '西区', 2, c('city'), polygon(east)),
      feature(c('s1'), '东一街道', 3, c('d1'), polygon(west)),
      feature(c('s2'), '西一街道', 3, c('d2'), polygon(east)),
      feature(c('m1'), '东一社区', 4, c('s1'), polygon(west)),
      feature(c('m2'), '西一社区', 4, c('s2'), polygon(east)),
      feature(c('ga'), '第一网格', 5, c('m1'), polygon([[ox, oy], [x1, oy], [x1, y4], [ox, y4]])),
      feature(c('gb'), '第二网格', 5, c('m1'), polygon([[x1, oy], [x2, oy], [x2, y4], [x1, y4]])),
      feature(c('gc'), '第三网格', 5, c('m2'), polygon(east)),
    ],
  };
}

function mapCoordinates(fc: FC, fn: (p: Pt) => Pt): FC {
  return {
    ...fc,
    features: fc.features.map((x) => ({ ...x, geometry: { type: 'Polygon', coordinates: (x.geometry!.coordinates as Pt[][]).map((r) => r.map(fn)) } })),
  };
}

async function household(f: Fixture, lon: number, lat: number): Promise<number> {
  return (await t.app.db.ownerPool.query(
    `insert into households (tenant_id, geom, address) values ($1, st_setsrid(st_point($2, $3), 4326), '测试路2号') returning id`, [f.tenantId, lon, lat])).rows[0].id;
}
const gridOf = async (f: Fixture, id: number) =>
  (await t.app.db.ownerPool.query(`select j.code from households h join jurisdictions j on j.tenant_id = h.tenant_id and j.id = h.grid_id
                                    where h.tenant_id = $1 and h.id = $2`, [f.tenantId, id])).rows[0]?.code as string | undefined;

async function uploadAndApply(admin: Uploader, file: Buffer | object, fields: Record<string, string>, fileName: string) {
  const r = await admin.upload(file, fields, fileName);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.report.counts.errors, JSON.stringify(r.body.report.problems)).toBe(0);
  const applied = await admin.client.post(`/api/boundaries/imports/${r.body.id}/apply`, { acceptWarnings: true });
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  return r.body.report;
}

describe('coordinate systems of uploads', () => {
  it('converts a GCJ-02 file: a household lands in the uploaded grid, not its neighbour', async () => {
    const f = await createFixture(t.app.db.ownerPool, 'bg');
    const admin = await signIn(t, `${f.prefix}admin`);
    const { ox, oy } = originOf(f);
    const border = ox + 0.12;
    const gcj = mapCoordinates(treeWithBorder(f, border), (p) => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as Pt);
    // East of the WGS-84 border but west of where the GCJ-02 numbers put it: read as WGS-84, the
    // file would put this household in grid A.
    const east = await household(f, border + 0.003, oy + 0.2);
    const west = await household(f, border - 0.003, oy + 0.2);
    const [gcjBorderLon] = gcoord.transform([border, oy + 0.2], gcoord.WGS84, gcoord.GCJ02) as Pt;
    expect(gcjBorderLon).toBeGreaterThan(border + 0.003);
    expect([await gridOf(f, east), await gridOf(f, west)]).toEqual([`${f.code}-gb`, `${f.code}-gb`]);

    const report = await uploadAndApply(admin, gcj, { crs: 'gcj02' }, 'amap.geojson');
    expect(report.file.crs).toMatchObject({ stated: 'gcj02' });
    expect([await gridOf(f, east), await gridOf(f, west)]).toEqual([`${f.code}-gb`, `${f.code}-ga`]);
  });

  it('reads a zipped Shapefile in CGCS2000 Gauss-Kruger (3° zone) with its .prj', async () => {
    const f = await createFixture(t.app.db.ownerPool, 'bk');
    const admin = await signIn(t, `${f.prefix}admin`);
    const { ox, oy } = originOf(f);
    const cm = Math.round(ox / 3) * 3;
    const def = `+proj=tmerc +lat_0=0 +lon_0=${cm} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs`;
    const wkt =
      `PROJCS["CGCS2000_3_Degree_GK_CM_${cm}E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],` +
      `PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],` +
      `PARAMETER["Central_Meridian",${cm}.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;
    // Only the grids of community m1, with the A/B border moved west to ox + 0.08.
    const border = ox + 0.08;
    const grids = treeWithBorder(f, border).features.filter((x) => x.properties.level === 5 && x.properties.parent_code === `${f.code}-m1`);
    const projected = mapCoordinates({ type: 'FeatureCollection', features: grids }, (p) => proj4('WGS84', def, p) as Pt);
    const collection = {
      type: 'FeatureCollection' as const,
      features: projected.features.map((x) => ({ ...x, properties: { code: x.properties.code, name: x.properties.name, level: 5, parent: x.properties.parent_code } })),
    };
    const zipped = (await shpwrite.zip(collection as never, { outputType: 'nodebuffer', compression: 'DEFLATE', types: { polygon: 'grids' }, prj: wkt } as never)) as unknown as Buffer;
    const h = await household(f, ox + 0.09, oy + 0.2);
    expect(await gridOf(f, h)).toBe(`${f.code}-ga`);

    const report = await uploadAndApply(admin, Buffer.from(zipped), {}, 'grids.zip');
    expect(report.file).toMatchObject({ format: 'shapefile', features: 2 });
    expect(report.file.crs.detected).toMatch(/Gauss-Kruger|GK|tmerc|Transverse/i);
    expect(report.problems).toEqual([]);
    expect(report.diff).toMatchObject({ added: [], removed: [], reshaped: 2 });
    expect(await gridOf(f, h)).toBe(`${f.code}-gb`);
  });
});
