// The shapes the boundary upload hands to the API and the PostGIS validation (issue 11).
// Re-exported from index.ts; the API is built against exactly these names.
import type * as GeoJSON from 'geojson';

/** What the admin says the coordinates are, where the file cannot say (WGS-84 and CGCS2000 are treated as the same here). */
export type StatedCrs = 'wgs84' | 'gcj02' | 'bd09';

export interface BoundaryMapping {
  /** Which property holds the level, or one level for the whole file. */
  level: { property: string } | { fixed: 1 | 2 | 3 | 4 | 5 };
  /** Property holding the node's code (unique in the tree). */
  code: string;
  /** Property holding the name. */
  name: string;
  /** Property holding the parent's code (absent for a file of one level whose parents already exist, or the city). */
  parentCode?: string;
}

/** One feature of the file, in file order (`index` is its 0-based position); geometry in WGS-84 lon/lat. */
export interface ImportedFeature {
  index: number;
  properties: Record<string, unknown>;
  geometry: GeoJSON.Geometry | null;
}

export interface ParsedBoundaryFile {
  format: 'geojson' | 'shapefile' | 'kml';
  /** detected: from .prj / GeoJSON crs member; used: human-readable description of the conversion done. */
  crs: { stated: StatedCrs; detected: string | null; used: string };
  propertyNames: string[];
  features: ImportedFeature[];
}

export class BoundaryFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field: 'file' | 'crs' | 'mapping' = 'file',
    /** What the message says, as values: other languages build their sentence from them. */
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

export const DEFAULT_LIMITS = { maxFileBytes: 50 * 1024 * 1024, maxUnpackedBytes: 200 * 1024 * 1024, maxFeatures: 50_000 };
export type BoundaryFileLimits = typeof DEFAULT_LIMITS;

export interface BoundaryNode {
  index: number;
  code: string;
  name: string;
  level: number;
  parentCode: string | null;
  geometry: GeoJSON.Geometry | null;
}

export interface MappingProblem {
  index: number;
  /** `control_characters`: a code, name or parent code holding a control character (added to the agreed four). */
  problem: 'missing_code' | 'missing_name' | 'bad_level' | 'bad_parent_code' | 'control_characters';
  message: string;
  /** The file's property the problem is in. */
  field: string;
  /** What the message says, as values (`property`, `value`, `part`): other languages build theirs from them. */
  params: Record<string, string | null>;
}
