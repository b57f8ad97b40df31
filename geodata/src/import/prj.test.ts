import { describe, expect, it } from 'vitest';
import { conversionToWgs84, crsFromEpsg } from './crs.ts';
import { crsFromPrj } from './prj.ts';
import { metresBetween, refusal } from './test-support.ts';

const esriGk = (name: string, falseEasting: number, cm: number) =>
  `PROJCS["${name}",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",${falseEasting}.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${cm}.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;

/** As PROJ's projinfo writes them (WKT1 ESRI, WKT1 GDAL, WKT2 2019). */
const WKT = {
  gk114Esri: esriGk('CGCS2000_3_Degree_GK_CM_114E', 500000, 114),
  zone36Esri: esriGk('CGCS2000_3_Degree_GK_Zone_36', 36500000, 108),
  sixDegreeZone20Esri: esriGk('CGCS2000_GK_Zone_20', 20500000, 117),
  gk114Wkt2:
    'PROJCRS["CGCS2000 / 3-degree Gauss-Kruger CM 114E",BASEGEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4490]],CONVERSION["3-degree Gauss-Kruger CM 114E",METHOD["Transverse Mercator",ID["EPSG",9807]],PARAMETER["Latitude of natural origin",0,ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",8801]],PARAMETER["Longitude of natural origin",114,ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",8802]],PARAMETER["Scale factor at natural origin",1,SCALEUNIT["unity",1],ID["EPSG",8805]],PARAMETER["False easting",500000,LENGTHUNIT["metre",1],ID["EPSG",8806]],PARAMETER["False northing",0,LENGTHUNIT["metre",1],ID["EPSG",8807]]],CS[Cartesian,2],AXIS["northing (X)",north,ORDER[1],LENGTHUNIT["metre",1]],AXIS["easting (Y)",east,ORDER[2],LENGTHUNIT["metre",1]],USAGE[SCOPE["Cadastre."],AREA["China - onshore between 112°30\'E and 115°30\'E."],BBOX[21.52,112.5,45.45,115.5]],ID["EPSG",4547]]',
  webMercatorEsri:
    'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]',
  cgcs2000Esri:
    'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
  wgs84Esri: 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]',
  utm50nEsri:
    'PROJCS["WGS_1984_UTM_Zone_50N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]',
  beijing1954Geographic: 'GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]',
};

/** Yellow Crane Tower, Wuhan (114.3025E 30.5446N) in each system, from PROJ's cs2cs. */
const TRUTH = [114.3025, 30.5446];

function landsOnTruth(prj: string, x: number, y: number): number {
  return metresBetween(conversionToWgs84(crsFromPrj(prj), 'wgs84').toWgs84(x, y), TRUTH);
}

describe('coordinate system of a .prj', () => {
  it('names and converts CGCS2000 Gauss-Kruger written by ESRI, by GDAL (WKT2) and zone-prefixed', () => {
    expect(crsFromPrj(WKT.gk114Esri).label).toBe('EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)');
    expect(crsFromPrj(WKT.gk114Wkt2).label).toBe('EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)');
    expect(landsOnTruth(WKT.gk114Esri, 529026.4833, 3380525.0879)).toBeLessThan(0.5);
    expect(crsFromPrj(WKT.zone36Esri).label).toBe('EPSG:4524 (CGCS2000 / 3-degree Gauss-Kruger CM 108E, false easting 36500000)');
    expect(landsOnTruth(WKT.zone36Esri, 37105350.6546, 3397449.4476)).toBeLessThan(0.5);
    expect(crsFromPrj(WKT.sixDegreeZone20Esri).label).toBe('EPSG:4498 (CGCS2000 / 6-degree Gauss-Kruger CM 117E, false easting 20500000)');
    expect(landsOnTruth(WKT.sixDegreeZone20Esri, 20241114.5429, 3383584.708)).toBeLessThan(0.5);
  });

  it('recognises Web Mercator, geographic CGCS2000 and WGS-84, and a UTM zone by its parameters', () => {
    expect(crsFromPrj(WKT.webMercatorEsri).label).toBe('EPSG:3857 (WGS 84 / Pseudo-Mercator)');
    expect(landsOnTruth(WKT.webMercatorEsri, 12724096.0964, 3573746.9428)).toBeLessThan(0.5);
    expect(crsFromPrj(WKT.cgcs2000Esri)).toEqual({ label: 'EPSG:4490 (CGCS2000)', proj: null });
    expect(crsFromPrj(WKT.wgs84Esri)).toEqual({ label: 'EPSG:4326 (WGS 84)', proj: null });
    expect(crsFromPrj(WKT.utm50nEsri).label).toBe('"WGS_1984_UTM_Zone_50N" (transverse Mercator, CM 117E)');
    expect(landsOnTruth(WKT.utm50nEsri, 241218.0971, 3382231.2743)).toBeLessThan(0.5);
  });

  it('refuses other datums and unreadable text, naming what it found', async () => {
    const beijing = await refusal(() => crsFromPrj(WKT.beijing1954Geographic));
    expect([beijing.code, beijing.field]).toEqual(['unsupported_crs', 'crs']);
    expect(beijing.message).toContain('GCS_Beijing_1954');
    const xian = await refusal(() => crsFromPrj(WKT.gk114Esri.replace('D_China_2000', 'D_Xian_1980').replace('GCS_China_Geodetic_Coordinate_System_2000', 'GCS_Xian_1980')));
    expect(xian.message).toContain('D_Xian_1980');
    const byCode = await refusal(() => crsFromPrj('PROJCS["Xian 1980 / 3-degree Gauss-Kruger CM 114E",GEOGCS["Xian 1980",DATUM["Xian_1980",SPHEROID["IAG 1975",6378140,298.257]]],AUTHORITY["EPSG","2383"]]'));
    expect(byCode.message).toContain('EPSG:2383');
    const garbage = await refusal(() => crsFromPrj('this is not WKT'));
    expect([garbage.code, garbage.field]).toEqual(['unsupported_crs', 'crs']);
  });
});

describe('EPSG codes of the CGCS2000 Gauss-Kruger zones', () => {
  it('gives each range its central meridian and false easting (truth from cs2cs)', () => {
    const cases: [number, number, number, number[]][] = [
      [4513, 25542697.0238, 4429648.7838, [75.5, 40]],
      [4491, 13542697.0238, 4429648.7838, [75.5, 40]],
      [4554, 462687.3721, 5318548.586, [134.5, 48]],
      [4512, 462687.3721, 5318548.586, [134.5, 48]],
    ];
    for (const [code, x, y, truth] of cases) {
      const got = conversionToWgs84(crsFromEpsg(code), 'wgs84').toWgs84(x, y);
      expect(metresBetween(got, truth), `EPSG:${code}`).toBeLessThan(0.5);
    }
    expect(crsFromEpsg(4534)?.label).toBe('EPSG:4534 (CGCS2000 / 3-degree Gauss-Kruger CM 75E)');
    expect(crsFromEpsg(4502)?.label).toBe('EPSG:4502 (CGCS2000 / 6-degree Gauss-Kruger CM 75E)');
    expect(crsFromEpsg(4555)).toBeNull();
    expect(crsFromEpsg(2383)).toBeNull();
  });
});
