// The part of shpjs (no types of its own) the Shapefile reader uses.
declare module 'shpjs' {
  import type * as GeoJSON from 'geojson';
  /** Shapes of a .shp in file order; null for null shapes. Without `prj` the coordinates stay as stored. */
  export function parseShp(shp: ArrayBuffer | ArrayBufferView, prj?: string | false): (GeoJSON.Geometry | null)[];
}
