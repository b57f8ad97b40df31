// Boundary upload (issue 11): one uploaded file — GeoJSON, zipped Shapefile, KML/KMZ — read into
// features in WGS-84, then mapped onto jurisdiction nodes. The PostGIS validation comes after.
import { conversionToWgs84 } from './crs.ts';
import { normalizeGeometry } from './geometry.ts';
import { readGeoJson } from './geojson.ts';
import { kmlNameInKmz, readKml } from './kml.ts';
import { readShapefile, shapefileNames } from './shapefile.ts';
import { isZip, ZipArchive } from './zip.ts';
import type { SourceFile } from './source.ts';
import { BoundaryFileError, DEFAULT_LIMITS, type BoundaryFileLimits, type ImportedFeature, type ParsedBoundaryFile, type StatedCrs } from './types.ts';

export * from './types.ts';
export { mapFeatures, guessMapping } from './mapping.ts';

/**
 * Reads an uploaded boundary file. The format comes from the content, not the name (the name only
 * appears in messages); coordinates come out as WGS-84 longitude/latitude.
 */
export async function parseBoundaryFile(
  data: Buffer,
  fileName: string,
  opts: { crs: StatedCrs; limits?: Partial<BoundaryFileLimits> },
): Promise<ParsedBoundaryFile> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (data.length > limits.maxFileBytes) {
    throw new BoundaryFileError('file_too_large', `${fileName} has ${data.length} bytes; at most ${limits.maxFileBytes} are accepted`);
  }
  if (data.length === 0) throw new BoundaryFileError('empty_file', `${fileName} is empty (0 bytes)`, 'file', { file: fileName });
  const source = readSource(data, fileName, limits);
  if (!source.features.length) throw new BoundaryFileError('no_features', `${fileName} holds no features`, 'file', { file: fileName });
  if (source.features.length > limits.maxFeatures) {
    throw new BoundaryFileError('too_many_features', `${fileName} has ${source.features.length} features; at most ${limits.maxFeatures} are accepted`);
  }
  return toParsedFile(source, opts.crs);
}

function readSource(data: Buffer, fileName: string, limits: BoundaryFileLimits): SourceFile {
  if (isZip(data)) return readZip(ZipArchive.open(data, limits.maxUnpackedBytes), fileName);
  const text = leadingText(data);
  if (text.startsWith('{') || text.startsWith('[')) return readGeoJson(utf8(data));
  if (text.startsWith('<')) return readKml(data);
  throw new BoundaryFileError('unknown_format', `${fileName} is none of GeoJSON, a zipped Shapefile, KML or KMZ`, 'file', { file: fileName });
}

/** A zip is a Shapefile when it holds a .shp, else a KMZ when it holds a .kml. */
function readZip(zip: ZipArchive, fileName: string): SourceFile {
  if (shapefileNames(zip).length) return readShapefile(zip);
  const kmlName = kmlNameInKmz(zip);
  if (kmlName) return readKml(zip.read(kmlName));
  const held = zip.names.length ? zip.names.join(', ') : 'nothing';
  throw new BoundaryFileError('missing_shp', `${fileName} holds no Shapefile (.shp) and no KML (it holds ${held})`);
}

function leadingText(data: Buffer): string {
  return utf8(data.subarray(0, 4096)).trimStart();
}

function utf8(data: Buffer): string {
  return new TextDecoder('utf-8').decode(data); // drops a byte-order mark, unlike Buffer#toString
}

function toParsedFile(source: SourceFile, stated: StatedCrs): ParsedBoundaryFile {
  const { toWgs84, used } = conversionToWgs84(source.crs, stated);
  const features: ImportedFeature[] = source.features.map((f, index) => ({
    index,
    properties: f.properties,
    geometry: normalizeGeometry(f.geometry, toWgs84, index),
  }));
  return {
    format: source.format,
    crs: { stated, detected: source.crs?.label ?? null, used },
    propertyNames: propertyNamesOf(features),
    features,
  };
}

/** Every property name in first-seen order (features of one file may differ). */
function propertyNamesOf(features: ImportedFeature[]): string[] {
  const names = new Set<string>();
  for (const f of features) for (const name of Object.keys(f.properties)) names.add(name);
  return [...names];
}
