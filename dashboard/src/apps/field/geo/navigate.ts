// Deep links that open a phone's map apps at a home, for walking there. Points are stored in WGS-84;
// Amap and Tencent expect GCJ-02 and Baidu BD-09 (China's obfuscated datums): converted with gcoord,
// since a WGS-84 point shown on those maps lands 100–700 m off in mainland China.
import gcoord from 'gcoord';

export interface Place {
  lon: number;
  lat: number;
  /** What the map app shows at the pin (a name or an address). */
  name: string;
}

export type MapApp = 'amap' | 'baidu' | 'tencent' | 'geo';
export const MAP_APPS: MapApp[] = ['amap', 'baidu', 'tencent', 'geo'];

/** Identifies this app to the map providers' URI APIs (their `src` / `referer` parameter). */
const APP_NAME = 'gec-field';

const round = (x: number) => Number(x.toFixed(6));

export function toGcj02(lon: number, lat: number): [number, number] {
  const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
  return [round(x), round(y)];
}

export function toBd09(lon: number, lat: number): [number, number] {
  const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, gcoord.BD09) as [number, number];
  return [round(x), round(y)];
}

/**
 * The link of one map app for a WGS-84 place. The web URIs of Amap, Baidu and Tencent open their
 * app when installed (and a web map otherwise), also from inside WeChat; `geo:` asks the phone's
 * default map app, which reads WGS-84.
 */
export function mapLink(app: MapApp, p: Place): string {
  const name = encodeURIComponent(p.name);
  if (app === 'amap') {
    const [lon, lat] = toGcj02(p.lon, p.lat);
    return `https://uri.amap.com/navigation?to=${lon},${lat},${name}&mode=walk&coordinate=gaode&callnative=1&src=${APP_NAME}`;
  }
  if (app === 'baidu') {
    const [lon, lat] = toBd09(p.lon, p.lat);
    return `https://api.map.baidu.com/direction?destination=latlng:${lat},${lon}|name:${name}&mode=walking&coord_type=bd09ll&output=html&src=${APP_NAME}`;
  }
  if (app === 'tencent') {
    const [lon, lat] = toGcj02(p.lon, p.lat);
    return `https://apis.map.qq.com/uri/v1/routeplan?type=walk&to=${name}&tocoord=${lat},${lon}&referer=${APP_NAME}`;
  }
  const lat = round(p.lat);
  const lon = round(p.lon);
  return `geo:${lat},${lon}?q=${lat},${lon}(${name})`;
}
