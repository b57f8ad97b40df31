// What each format reader hands over before coordinates are converted and checked.
import type { SourceCrs } from './crs.ts';
import type { ParsedBoundaryFile } from './types.ts';

export interface SourceFeature {
  properties: Record<string, unknown>;
  /** GeoJSON-shaped geometry in the file's own coordinates, not yet checked. */
  geometry: unknown;
}

export interface SourceFile {
  format: ParsedBoundaryFile['format'];
  /** The coordinate system the file declares; null where it cannot (then: the stated one). */
  crs: SourceCrs | null;
  features: SourceFeature[];
}
