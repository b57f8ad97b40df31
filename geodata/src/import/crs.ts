// Coordinate systems a boundary file may be in, and the conversion of its coordinates to WGS-84.
import proj4 from 'proj4';
import gcoordModule from 'gcoord';
import type { PointTransform } from './geometry.ts';
import { BoundaryFileError, type StatedCrs } from './types.ts';

// gcoord is CommonJS with types written as an ES default export (see api/src/geo/point.ts).
const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

/** A coordinate system found in the file: `proj` is a proj4 definition, null for longitude/latitude. */
export interface SourceCrs {
  label: string;
  proj: string | null;
}

export const SUPPORTED_CRS_TEXT =
  'WGS-84 (EPSG:4326), CGCS2000 (EPSG:4490), Web Mercator (EPSG:3857) and the CGCS2000 Gauss-Kruger zones (EPSG:4491–4554)';

const WEB_MERCATOR: SourceCrs = { label: 'EPSG:3857 (WGS 84 / Pseudo-Mercator)', proj: 'EPSG:3857' };

/**
 * A CGCS2000 Gauss-Kruger projection. Zone-prefixed eastings carry the zone number in the millions;
 * `width` (3- or 6-degree zones) only names it, the arithmetic is the same.
 */
export function gaussKruger(centralMeridian: number, falseEasting: number, width: 3 | 6): SourceCrs {
  const code = gaussKrugerEpsg(centralMeridian, falseEasting, width);
  const prefix = falseEasting === 500000 ? '' : `, false easting ${falseEasting}`;
  const name = `CGCS2000 / ${width}-degree Gauss-Kruger CM ${centralMeridian}E${prefix}`;
  return {
    label: code ? `EPSG:${code} (${name})` : name,
    proj: `+proj=tmerc +lat_0=0 +lon_0=${centralMeridian} +k=1 +x_0=${falseEasting} +y_0=0 +ellps=GRS80 +units=m +no_defs`,
  };
}

function gaussKrugerEpsg(cm: number, falseEasting: number, width: 3 | 6): number | null {
  if (cm < 75 || cm > 135 || cm % width !== (width === 6 ? 3 : 0)) return null;
  const zone = width === 6 ? (cm + 3) / 6 : cm / 3;
  const [prefixedBase, plainBase, firstZone] = width === 6 ? [4491, 4502, 13] : [4513, 4534, 25];
  if (falseEasting === 500000) return plainBase + zone - firstZone;
  return falseEasting === zone * 1e6 + 500000 ? prefixedBase + zone - firstZone : null;
}

/** The supported EPSG codes; null for any other. */
export function crsFromEpsg(code: number): SourceCrs | null {
  if (code === 4326) return { label: 'EPSG:4326 (WGS 84)', proj: null };
  if (code === 4490) return { label: 'EPSG:4490 (CGCS2000)', proj: null };
  if (code === 3857 || code === 900913 || code === 102100) return WEB_MERCATOR;
  const sixDegreeZone = code >= 4491 && code <= 4512 ? ((code - 4491) % 11) + 13 : 0;
  if (sixDegreeZone) return gaussKruger(sixDegreeZone * 6 - 3, code <= 4501 ? sixDegreeZone * 1e6 + 500000 : 500000, 6);
  const threeDegreeZone = code >= 4513 && code <= 4554 ? ((code - 4513) % 21) + 25 : 0;
  if (threeDegreeZone) return gaussKruger(threeDegreeZone * 3, code <= 4533 ? threeDegreeZone * 1e6 + 500000 : 500000, 3);
  return null;
}

export function unsupportedCrs(found: string): BoundaryFileError {
  return new BoundaryFileError(
    'unsupported_crs',
    `the file's coordinate system ${found} is not supported; supported are ${SUPPORTED_CRS_TEXT}`,
    'crs',
    { found, supported: SUPPORTED_CRS_TEXT },
  );
}

/** A CRS named like GeoJSON's `crs` member or an OGC URN: EPSG:4547, urn:ogc:def:crs:EPSG::4490, CRS84. */
export function crsFromName(name: string): SourceCrs {
  if (/(^|:)CRS:?84$/i.test(name.trim())) return crsFromEpsg(4326)!;
  const m = /EPSG(?::[\d.]*)?:+(\d+)$/i.exec(name.trim()) ?? /\/EPSG\/\d+\/(\d+)$/i.exec(name.trim());
  const crs = m ? crsFromEpsg(Number(m[1])) : null;
  if (!crs) throw unsupportedCrs(name);
  return crs;
}

const STATED_DATUM = { gcj02: { from: gcoord.GCJ02, text: 'GCJ-02' }, bd09: { from: gcoord.BD09, text: 'BD-09' } } as const;

/**
 * The conversion of file coordinates to WGS-84: the file's own projection first (proj4), then the
 * datum the admin stated (gcoord), since GCJ-02/BD-09 are offsets of longitude/latitude.
 */
export function conversionToWgs84(source: SourceCrs | null, stated: StatedCrs): { toWgs84: PointTransform; used: string } {
  const steps: PointTransform[] = [];
  const used: string[] = [];
  if (source?.proj) {
    const converter = proj4(source.proj, 'WGS84');
    steps.push((x, y) => converter.forward([x, y]) as [number, number]);
    used.push(`${source.label} → WGS-84 longitude/latitude (proj4)`);
  } else if (source?.label.startsWith('EPSG:4490')) {
    used.push('CGCS2000 longitude/latitude taken as WGS-84 (they differ by centimetres)');
  }
  if (stated !== 'wgs84') {
    const datum = STATED_DATUM[stated];
    steps.push((x, y) => gcoord.transform([x, y], datum.from, gcoord.WGS84) as [number, number]);
    used.push(`${datum.text} → WGS-84 as stated (gcoord)`);
  }
  const toWgs84: PointTransform = (x, y) => steps.reduce<[number, number]>((p, step) => step(p[0], p[1]), [x, y]);
  return { toWgs84, used: used.length ? used.join('; then ') : 'none: WGS-84 longitude/latitude as is' };
}
