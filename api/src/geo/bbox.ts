// Shared query parameters of map endpoints: bbox and zoom.
import { z } from '../http/zod.ts';

export const Bbox = z
  .string()
  .transform((s, ctx) => {
    const n = s.split(',').map((x) => Number(x.trim()));
    if (n.length !== 4 || n.some((x) => !Number.isFinite(x))) {
      ctx.addIssue({ code: 'custom', message: 'must be minLon,minLat,maxLon,maxLat' });
      return z.NEVER;
    }
    const [minLon, minLat, maxLon, maxLat] = n;
    if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
      ctx.addIssue({ code: 'custom', message: 'coordinates out of range (lon -180..180, lat -90..90)' });
      return z.NEVER;
    }
    if (minLon >= maxLon || minLat >= maxLat) {
      ctx.addIssue({ code: 'custom', message: 'min must be less than max' });
      return z.NEVER;
    }
    return { minLon, minLat, maxLon, maxLat };
  })
  .openapi({ type: 'string', example: '114.0,30.3,114.6,30.9', description: 'minLon,minLat,maxLon,maxLat (WGS-84)' });
export type Bbox = z.output<typeof Bbox>;

export const Zoom = z.coerce.number().int().min(0).max(22);

/** Half a pixel at this zoom, in degrees: the simplification tolerance for polygons. */
export function toleranceForZoom(zoom: number): number {
  return 360 / (256 * 2 ** zoom) / 2;
}
