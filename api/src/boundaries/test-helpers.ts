// Shared by the boundary tests: an admin that can upload multipart forms, small hand-made GeoJSON
// built on the test fixture's city, and counts of what an import writes.
import { DEMO_PASSWORD } from '../auth/seed.ts';
import type { Fixture } from '../test/fixture.ts';
import type { Client, Res, TestApp } from '../test/harness.ts';

export type Props = { code: string; name: string; level: number; parent_code: string | null };
export type Feature = { type: 'Feature'; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } | null };
export type FC = { type: 'FeatureCollection'; features: Feature[] };

/** A signed-in staff user whose session cookie also serves multipart uploads. */
export interface Uploader {
  client: Client;
  cookie: string;
  upload(file: Buffer | object, fields?: Record<string, string>, fileName?: string, headers?: Record<string, string>): Promise<Res>;
}

export async function signIn(t: TestApp, username: string): Promise<Uploader> {
  const res = await fetch(`${t.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const client = t.client();
  client.setCookie(cookie);
  return {
    client,
    cookie,
    async upload(file, fields = {}, fileName = 'boundaries.geojson', headers = {}) {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      const data = Buffer.isBuffer(file) ? file : Buffer.from(JSON.stringify(file));
      form.append('file', new Blob([new Uint8Array(data)]), fileName);
      const r = await fetch(`${t.baseUrl}/api/boundaries/imports`, { method: 'POST', headers: { ...headers, cookie }, body: form });
      const text = await r.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, body: body as any, headers: r.headers };
    },
  };
}

export const ring = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
export const box = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [ring(x0, y0, x1, y1)] });

export function feature(code: string, name: string, level: number, parent: string | null, geometry: Feature['geometry']): Feature {
  return { type: 'Feature', properties: { code, name, level, parent_code: parent }, geometry };
}

/** The fixture's origin (its city is the box ox..ox+0.4 × oy..oy+0.4). */
export const originOf = (f: Fixture) => ({ ox: f.points.gridA.lon - 0.05, oy: f.points.gridA.lat - 0.2 });

/** The fixture's whole tree as an upload (the same boxes it was made of), to edit in a test. */
export function fixtureTree(f: Fixture): FC {
  const { ox, oy } = originOf(f);
  const c = (k: string) => `${f.code}-${k}`;
  return {
    type: 'FeatureCollection',
    features: [
      feature(c('city'), '测试市', 1, null, box(ox, oy, ox + 0.4, oy + 0.4)),
      feature(c('d1'), '东区', 2, c('city'), box(ox, oy, ox + 0.2, oy + 0.4)),
      feature(c('d2'), '西区', 2, c('city'), box(ox + 0.2, oy, ox + 0.4, oy + 0.4)),
      feature(c('s1'), '东一街道', 3, c('d1'), box(ox, oy, ox + 0.2, oy + 0.4)),
      feature(c('s2'), '西一街道', 3, c('d2'), box(ox + 0.2, oy, ox + 0.4, oy + 0.4)),
      feature(c('m1'), '东一社区', 4, c('s1'), box(ox, oy, ox + 0.2, oy + 0.4)),
      feature(c('m2'), '西一社区', 4, c('s2'), box(ox + 0.2, oy, ox + 0.4, oy + 0.4)),
      feature(c('ga'), '第一网格', 5, c('m1'), box(ox, oy, ox + 0.1, oy + 0.4)),
      feature(c('gb'), '第二网格', 5, c('m1'), box(ox + 0.1, oy, ox + 0.2, oy + 0.4)),
      feature(c('gc'), '第三网格', 5, c('m2'), box(ox + 0.2, oy, ox + 0.4, oy + 0.4)),
    ],
  };
}

/** Replaces the features with the given codes (a null geometry/properties entry removes it). */
export function edit(fc: FC, changes: Record<string, Partial<Feature> | null>, extra: Feature[] = []): FC {
  const features = fc.features.flatMap((x) => {
    const code = x.properties.code as string;
    if (!(code in changes)) return [x];
    const ch = changes[code];
    return ch === null ? [] : [{ ...x, ...ch, properties: { ...x.properties, ...(ch.properties ?? {}) } }];
  });
  return { type: 'FeatureCollection', features: [...features, ...extra] };
}

/** Rows of every table an import or an apply writes, for "nothing written". */
export async function tableCounts(t: TestApp, tenantId: number): Promise<Record<string, number>> {
  const tables = ['boundary_imports', 'boundary_import_nodes', 'boundary_import_problems', 'boundary_versions', 'boundary_version_nodes', 'boundary_mappings', 'jurisdictions'];
  const out: Record<string, number> = {};
  for (const table of tables) {
    out[table] = (await t.app.db.ownerPool.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId])).rows[0].n;
  }
  return out;
}

/** The problems of a report by kind. */
export const problemsOf = (report: { problems: any[] }, kind: string): any[] => report.problems.filter((p) => p.problem === kind);
