// Points as the API takes them: a submitted Location (with the datum it was measured in) and the
// caller's position for "near me" lists. Everything stored is WGS-84.
import gcoordModule from 'gcoord';
import { z } from '../http/zod.ts';

// gcoord is CommonJS with types written as an ES default export: under NodeNext the default import
// is module.exports itself, which is what the types call `default`.
const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

/**
 * Datums phones deliver: browsers' geolocation is WGS-84, WeChat's wx.getLocation and Amap/Tencent
 * SDKs give GCJ-02, Baidu's SDK BD-09. The server never guesses which: an unlabelled point is WGS-84.
 */
export const CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export type Crs = (typeof CRS)[number];

const FROM = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** A point in the given datum as WGS-84 (gcoord leaves points outside China unshifted, as the datums do). */
export function toWgs84(lon: number, lat: number, crs: Crs = 'wgs84'): { lon: number; lat: number } {
  if (crs === 'wgs84') return { lon, lat };
  const [x, y] = gcoord.transform([lon, lat], FROM[crs], gcoord.WGS84) as [number, number];
  return { lon: x, lat: y };
}

/** A submitted location; converted to WGS-84 while it is parsed, so nothing downstream sees another datum. */
export const Location = z
  .strictObject({
    lon: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    crs: z.enum(CRS).optional().openapi({ description: 'Datum of lon/lat: wgs84 (default; browser geolocation), gcj02 (WeChat wx.getLocation, Amap, Tencent), bd09 (Baidu)' }),
  })
  .transform((p) => toWgs84(p.lon, p.lat, p.crs))
  .openapi('Location', { description: 'Longitude and latitude; stored as WGS-84 (converted from crs when given)' });
export type Location = z.output<typeof Location>;

/** `near=lon,lat` (WGS-84): the one way every "near me" list takes the caller's position. */
export const NearPoint = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(',');
    const [lon, lat] = parts.map((x) => (x.trim() === '' ? NaN : Number(x)));
    if (parts.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      ctx.addIssue({ code: 'custom', message: 'must be lon,lat in WGS-84 (lon -180..180, lat -90..90)' });
      return z.NEVER;
    }
    return { lon, lat };
  })
  .openapi({ type: 'string', example: '114.30,30.59', description: 'The caller\'s position as lon,lat (WGS-84): nearest first' });
export type NearPoint = z.output<typeof NearPoint>;
