// KML and KMZ (zipped KML): Placemarks with polygons, their ExtendedData as properties. KML is
// WGS-84 by its standard; a stated GCJ-02/BD-09 (Amap, Baidu exports) is converted afterwards.
import { kml as kmlToGeoJson } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import type * as GeoJSON from 'geojson';
import type { SourceFile } from './source.ts';
import { BoundaryFileError } from './types.ts';
import type { ZipArchive } from './zip.ts';

const KML_CRS = { label: 'EPSG:4326 (WGS 84, as KML is by its standard)', proj: null };

/** Properties togeojson derives from styles and display: not the admin's data, so not offered for mapping. */
const STYLE_PROPERTY = /^(styleUrl|styleHash|styleMapHash|stroke|stroke-.*|fill|fill-.*|icon|icon-.*|label-.*|visibility|@geometry-type)$/;

export function readKml(data: Buffer): SourceFile {
  const doc = parseXml(decodeXml(data));
  if (doc.documentElement?.localName !== 'kml') throw new BoundaryFileError('unknown_format', 'the file is XML but not KML');
  const features = kmlToGeoJson(doc).features.map((f) => ({
    properties: dataProperties(f.properties ?? {}),
    geometry: polygonsOf(f.geometry),
  }));
  if (!features.some((f) => f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon')) {
    throw new BoundaryFileError('no_polygons', `the KML has ${features.length} placemarks but no polygons; boundaries must be drawn as polygons`);
  }
  return { format: 'kml', crs: KML_CRS, features };
}

/** The KML inside a KMZ: doc.kml by convention, else the first .kml nearest the root. */
export function kmlNameInKmz(zip: ZipArchive): string | undefined {
  const kmls = zip.names.filter((n) => n.toLowerCase().endsWith('.kml'));
  return kmls.find((n) => n.toLowerCase() === 'doc.kml') ?? kmls.sort((a, b) => a.split('/').length - b.split('/').length)[0];
}

/** KML is UTF-8 unless its declaration says otherwise (some Chinese tools write GBK). */
function decodeXml(data: Buffer): string {
  const declared = /^\uFEFF?<\?xml[^>]*encoding=["']([\w.:-]+)["']/.exec(data.subarray(0, 200).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(data);
  } catch {
    return new TextDecoder('utf-8').decode(data);
  }
}

function parseXml(text: string) {
  try {
    // xmldom expands no entities of its own DTD, so entity bombs stay inert; errors end parsing.
    return new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    throw new BoundaryFileError('invalid_kml', `the KML is not well-formed XML: ${(e as Error).message.split('\n')[0]}`);
  }
}

function dataProperties(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !STYLE_PROPERTY.test(key)));
}

/**
 * A MultiGeometry (GeometryCollection here) as the polygons in it: outlines and label points drawn
 * beside a polygon are decoration. One without polygons is kept for the validator to name.
 */
function polygonsOf(geometry: GeoJSON.Geometry | null): GeoJSON.Geometry | null {
  if (geometry?.type !== 'GeometryCollection') return geometry;
  const polygons = flatten(geometry).flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []));
  if (!polygons.length) return geometry;
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

function flatten(geometry: GeoJSON.Geometry): GeoJSON.Geometry[] {
  return geometry.type === 'GeometryCollection' ? geometry.geometries.flatMap(flatten) : [geometry];
}
