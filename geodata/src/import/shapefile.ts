// Zipped Shapefiles: one .shp with its .dbf, the .prj for the coordinate system, the .cpg for the
// text encoding. Shapes are read by shpjs without its projection, so the CRS is judged here.
import { parseShp } from 'shpjs';
import { crsFromPrj } from './prj.ts';
import type { SourceCrs } from './crs.ts';
import { dbfEncoding, readDbf } from './dbf.ts';
import type { SourceFile } from './source.ts';
import { BoundaryFileError } from './types.ts';
import type { ZipArchive } from './zip.ts';

export function shapefileNames(zip: ZipArchive): string[] {
  return zip.names.filter((n) => n.toLowerCase().endsWith('.shp'));
}

/** The one Shapefile in the zip, with attributes and coordinate system. */
export function readShapefile(zip: ZipArchive): SourceFile {
  const shpNames = shapefileNames(zip);
  if (shpNames.length > 1) {
    throw new BoundaryFileError('multiple_shapefiles', `the zip holds ${shpNames.length} Shapefiles (${shpNames.join(', ')}); upload one at a time`);
  }
  const shpName = shpNames[0];
  const sibling = (ext: string) => zip.names.find((n) => n.length === shpName.length && n.slice(0, -4).toLowerCase() === shpName.slice(0, -4).toLowerCase() && n.slice(-4).toLowerCase() === ext);
  const dbfName = sibling('.dbf');
  if (!dbfName) throw new BoundaryFileError('missing_dbf', `${shpName} comes without its .dbf (the attributes: codes and names); zip them together`);
  const prjName = sibling('.prj');
  const cpgName = sibling('.cpg');

  const shp = zip.read(shpName);
  const shapes = shapesOf(shp, shpName);
  const dbf = zip.read(dbfName);
  const records = readDbf(dbf, dbfEncoding(cpgName ? zip.read(cpgName).toString('latin1') : null, dbf));
  if (records.length !== shapes.length) {
    throw new BoundaryFileError('invalid_shapefile', `${shpName} has ${shapes.length} shapes but ${dbfName} ${records.length} records`);
  }
  const crs = prjName ? crsFromPrj(zip.read(prjName).toString('utf-8')) : crsWithoutPrj(shp, shpName);
  const features = shapes.flatMap((geometry, i) => (records[i] ? [{ properties: records[i], geometry }] : []));
  return { format: 'shapefile', crs, features };
}

function shapesOf(shp: Buffer, shpName: string): unknown[] {
  if (shp.length < 100 || shp.readInt32BE(0) !== 9994) {
    throw new BoundaryFileError('invalid_shapefile', `${shpName} is not a Shapefile (.shp) file`);
  }
  try {
    return parseShp(shp);
  } catch (e) {
    throw new BoundaryFileError('invalid_shapefile', `${shpName} cannot be read: ${(e as Error).message}`);
  }
}

/**
 * Without a .prj the stated CRS applies, but only to longitude/latitude: projected metres without
 * their projection cannot be placed (which zone, which false easting?).
 */
function crsWithoutPrj(shp: Buffer, shpName: string): SourceCrs | null {
  const [xmin, ymin, xmax, ymax] = [36, 44, 52, 60].map((at) => shp.readDoubleLE(at));
  const geographic = [xmin, xmax].every((x) => Math.abs(x) <= 180) && [ymin, ymax].every((y) => Math.abs(y) <= 90);
  if (geographic) return null;
  throw new BoundaryFileError(
    'missing_prj',
    `${shpName} comes without a .prj and its coordinates (x ${xmin}…${xmax}, y ${ymin}…${ymax}) are not longitude/latitude; add the .prj that belongs to it`,
    'crs',
    { file: shpName, coordinates: `x ${xmin}…${xmax}, y ${ymin}…${ymax}` },
  );
}
