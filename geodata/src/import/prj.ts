// The coordinate system of a Shapefile's .prj: by its EPSG code where the WKT carries one, else by
// datum, projection and parameters (ESRI's WKT, the common kind, carries no code).
import { crsFromEpsg, gaussKruger, unsupportedCrs, type SourceCrs } from './crs.ts';
import { childNodes, findNode, nameOf, parseWkt, type WktNode } from './wkt.ts';

const GEOGRAPHIC = ['GEOGCS', 'GEOGCRS', 'GEODCRS', 'GEOGRAPHICCRS', 'GEODETICCRS'];
const PROJECTED = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS'];

export function crsFromPrj(text: string): SourceCrs {
  let root: WktNode;
  try {
    root = parseWkt(text.trim());
  } catch {
    throw unsupportedCrs(`in the .prj (not readable as WKT: ${JSON.stringify(text.slice(0, 80))})`);
  }
  const byCode = epsgCodeOf(root);
  const known = byCode === null ? null : crsFromEpsg(byCode);
  if (known) return known;
  const found = describe(root);
  if (byCode !== null) throw unsupportedCrs(`EPSG:${byCode} ${found}`);
  if (GEOGRAPHIC.includes(root.keyword)) return geographicCrs(root, found);
  if (PROJECTED.includes(root.keyword)) return projectedCrs(root, found);
  throw unsupportedCrs(found);
}

/** The code of the whole system (its own AUTHORITY/ID, not one of its parts'). */
function epsgCodeOf(root: WktNode): number | null {
  for (const id of childNodes(root, ['AUTHORITY', 'ID'])) {
    const [authority, code] = id.args;
    if (typeof authority === 'string' && authority.toUpperCase() === 'EPSG' && Number.isInteger(Number(code))) return Number(code);
  }
  return null;
}

function describe(root: WktNode): string {
  const datum = nameOf(findNode(root, ['DATUM', 'GEODETICDATUM', 'TRF']));
  return `"${nameOf(root)}"${datum ? ` (datum ${datum})` : ''}`;
}

type Datum = 'cgcs2000' | 'wgs84' | 'other';

function datumOf(root: WktNode): Datum {
  const names = [nameOf(findNode(root, ['DATUM', 'GEODETICDATUM', 'TRF'])), nameOf(findNode(root, GEOGRAPHIC.concat(['BASEGEOGCRS', 'BASEGEODCRS'])))].join(' ');
  if (/china.?(geodetic.?coordinate.?system.?)?2000|cgcs.?2000/i.test(names)) return 'cgcs2000';
  if (/wgs.?(19)?84/i.test(names)) return 'wgs84';
  return 'other';
}

function geographicCrs(root: WktNode, found: string): SourceCrs {
  const datum = datumOf(root);
  if (datum === 'cgcs2000') return crsFromEpsg(4490)!;
  if (datum === 'wgs84') return crsFromEpsg(4326)!;
  throw unsupportedCrs(found); // Beijing 1954, Xian 1980: a datum shift of up to 100 m with local parameters
}

function projectedCrs(root: WktNode, found: string): SourceCrs {
  const name = nameOf(root);
  const method = nameOf(findNode(root, ['PROJECTION', 'METHOD']));
  const datum = datumOf(root);
  if (datum === 'other' || linearUnitOf(root) !== 1) throw unsupportedCrs(found);
  if (/web.?mercator|pseudo.?mercator/i.test(`${name} ${method}`) || /mercator.?auxiliary.?sphere/i.test(method)) return crsFromEpsg(3857)!;
  if (!/transverse.?mercator|gauss.?kruger/i.test(method)) throw unsupportedCrs(`${found}, projection ${method || 'unknown'}`);
  return transverseMercator(name, datum, parametersOf(root));
}

interface TmParameters {
  centralMeridian: number;
  falseEasting: number;
  falseNorthing: number;
  scale: number;
  latitudeOfOrigin: number;
}

function transverseMercator(name: string, datum: Datum, p: TmParameters): SourceCrs {
  const isGaussKruger = datum === 'cgcs2000' && p.scale === 1 && p.latitudeOfOrigin === 0 && p.falseNorthing === 0;
  if (isGaussKruger) return gaussKruger(p.centralMeridian, p.falseEasting, zoneWidth(name, p.centralMeridian, p.falseEasting));
  // Other transverse Mercator systems on these datums (UTM zones): the parameters say everything.
  return {
    label: `"${name}" (transverse Mercator, CM ${p.centralMeridian}E)`,
    proj: `+proj=tmerc +lat_0=${p.latitudeOfOrigin} +lon_0=${p.centralMeridian} +k=${p.scale} +x_0=${p.falseEasting} +y_0=${p.falseNorthing} +ellps=${datum === 'cgcs2000' ? 'GRS80' : 'WGS84'} +units=m +no_defs`,
  };
}

/**
 * 3- or 6-degree zones, which only changes the name: a zone prefix decides, else the name (ESRI and
 * EPSG name 6-degree zones "GK"/"Gauss-Kruger" without "degree"). Only CMs 75E, 81E, … can be either.
 */
function zoneWidth(name: string, centralMeridian: number, falseEasting: number): 3 | 6 {
  if (centralMeridian % 6 !== 3) return 3;
  if (falseEasting !== 500000) return falseEasting === ((centralMeridian + 3) / 6) * 1e6 + 500000 ? 6 : 3;
  if (/3.?degree/i.test(name)) return 3;
  return /6.?degree/i.test(name) || /g(auss.?)?k/i.test(name) ? 6 : 3;
}

const PARAMETER_NAMES: Record<string, keyof TmParameters> = {
  centralmeridian: 'centralMeridian',
  longitudeofnaturalorigin: 'centralMeridian',
  longitudeofcenter: 'centralMeridian',
  falseeasting: 'falseEasting',
  falsenorthing: 'falseNorthing',
  scalefactor: 'scale',
  scalefactoratnaturalorigin: 'scale',
  latitudeoforigin: 'latitudeOfOrigin',
  latitudeofnaturalorigin: 'latitudeOfOrigin',
};

function parametersOf(root: WktNode): TmParameters {
  const p: TmParameters = { centralMeridian: 0, falseEasting: 0, falseNorthing: 0, scale: 1, latitudeOfOrigin: 0 };
  const holder = findNode(root, ['CONVERSION']) ?? root; // WKT2 keeps the parameters in CONVERSION
  for (const parameter of childNodes(holder, ['PARAMETER'])) {
    const [name, value] = parameter.args;
    const key = typeof name === 'string' ? PARAMETER_NAMES[name.toLowerCase().replace(/[^a-z]/g, '')] : undefined;
    if (key && typeof value === 'number') p[key] = value;
  }
  return p;
}

/** Metres per unit of the projected coordinates (the system's own UNIT/LENGTHUNIT, the last one). */
function linearUnitOf(root: WktNode): number {
  const units = childNodes(root, ['UNIT', 'LENGTHUNIT']);
  const cs = childNodes(root, ['AXIS']).flatMap((axis) => childNodes(axis, ['LENGTHUNIT']));
  const unit = units[units.length - 1] ?? cs[0];
  const factor = unit?.args[1];
  return typeof factor === 'number' ? factor : 1;
}
