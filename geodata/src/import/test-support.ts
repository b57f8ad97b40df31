// Helpers shared by the import tests: known points and distances.
import { readFileSync } from 'node:fs';
import type * as GeoJSON from 'geojson';
import JSZip from 'jszip';
import { expect } from 'vitest';
import { BoundaryFileError } from './types.ts';

/** Points in Wuhan with their CGCS2000 / 3-degree GK CM 114E (EPSG:4547) coordinates from PROJ's cs2cs. */
export const WUHAN = [
  { lon: 114.3025, lat: 30.5446, easting: 529026.4833, northing: 3380525.0879 },
  { lon: 114.365, lat: 30.54, easting: 535025.3777, northing: 3380032.8734 },
  { lon: 114.28, lat: 30.6, easting: 526852.2138, northing: 3386661.3088 },
];

/** Great-circle distance in metres (accurate to well under a centimetre at these distances). */
export function metresBetween([lon1, lat1]: number[], [lon2, lat2]: number[]): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

/** The outer ring of a Polygon (or the first polygon of a MultiPolygon). */
export function outerRing(g: GeoJSON.Geometry | null): number[][] {
  if (g?.type === 'Polygon') return g.coordinates[0];
  if (g?.type === 'MultiPolygon') return g.coordinates[0][0];
  throw new Error(`not a polygon: ${JSON.stringify(g)}`);
}

export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** The error a refused upload (or mapping) gives; fails the test when there is none. */
export async function refusal(work: Promise<unknown> | (() => unknown)): Promise<BoundaryFileError> {
  const error = await Promise.resolve()
    .then(() => (typeof work === 'function' ? work() : work))
    .then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(BoundaryFileError);
  return error as BoundaryFileError;
}

export const square = (lon: number, lat: number, d = 0.01) => [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]];

/** A district with two streets: the smallest two-level tree. */
export const twoLevelTree = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { code: '420102', name: '江岸区', level: 2 }, geometry: { type: 'Polygon', coordinates: [square(114.28, 30.58, 0.1)] } },
    { type: 'Feature', properties: { code: '420102001', name: '大智街道', level: 3, parent_code: '420102' }, geometry: { type: 'Polygon', coordinates: [square(114.29, 30.59)] } },
    { type: 'Feature', properties: { code: '420102002', name: '一元街道', level: '街道', parent_code: '420102' }, geometry: { type: 'MultiPolygon', coordinates: [[square(114.31, 30.59)]] } },
  ],
};

/** A zip of the given files, built the way users' tools build them (deflated). */
export async function zipOf(files: Record<string, Buffer | string>): Promise<Buffer> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(files)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The files of a zip, to rebuild it with one changed. */
export async function filesOf(data: Buffer): Promise<Record<string, Buffer>> {
  const zip = await JSZip.loadAsync(data);
  const files: Record<string, Buffer> = {};
  for (const name of Object.keys(zip.files)) files[name] = await zip.files[name].async('nodebuffer');
  return files;
}

export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Sets the uncompressed size every central directory entry of `name` declares. */
export function declareSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let at = out.indexOf(Buffer.from([0x50, 0x4b, 1, 2])); at >= 0; at = out.indexOf(Buffer.from([0x50, 0x4b, 1, 2]), at + 4)) {
    const nameLength = out.readUInt16LE(at + 28);
    if (out.subarray(at + 46, at + 46 + nameLength).toString() === name) out.writeUInt32LE(size, at + 24);
  }
  return out;
}
