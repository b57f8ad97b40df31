// Uploading boundary files: multipart with limits, refused files (400 naming the field, nothing
// written), the attribute mapping, who may do it, and tenant isolation.
import JSZip from 'jszip';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { uploadLimits } from './service.ts';
import { fixtureTree, signIn, tableCounts, type FC, type Uploader } from './test-helpers.ts';

let t: TestApp;
let f: Fixture;
let admin: Uploader;
let tree: FC;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'bu');
  admin = await signIn(t, `${f.prefix}admin`);
  tree = fixtureTree(f);
});
afterAll(() => t?.close());
afterEach(() => {
  for (const k of Object.keys(uploadLimits)) delete uploadLimits[k as keyof typeof uploadLimits];
});

async function zip(files: Record<string, Buffer | string>): Promise<Buffer> {
  const z = new JSZip();
  for (const [name, content] of Object.entries(files)) z.file(name, content);
  return z.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Uploads and expects a refusal naming the field, with nothing written. */
async function refused(file: Buffer | object, fields: Record<string, string>, status: number, field: string, code?: string, fileName?: string) {
  const before = await tableCounts(t, f.tenantId);
  const r = await admin.upload(file, fields, fileName);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error.field).toBe(field);
  if (code) expect(r.body.error.code).toBe(code);
  expect(await tableCounts(t, f.tenantId)).toEqual(before);
  return r.body.error as { code: string; message: string; field: string };
}

describe('refused uploads', () => {
  it('refuses a file that is no boundary format, not a zip, or a damaged zip', async () => {
    await refused(Buffer.from('%PDF-1.4 not boundaries'), {}, 400, 'file', 'unknown_format', 'a.pdf');
    await refused(Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]), {}, 400, 'file', undefined, 'broken.zip');
  });

  it('refuses a zip bomb by what it unpacks to', async () => {
    uploadLimits.maxUnpackedBytes = 1_000_000;
    const bomb = await zip({ 'grids.geojson': Buffer.alloc(5_000_000, 32) });
    expect(bomb.length).toBeLessThan(50_000);
    await refused(bomb, {}, 400, 'file', 'zip_bomb', 'bomb.zip');
  });

  it('refuses a Shapefile without its .dbf, and a zip holding no Shapefile', async () => {
    const shp = Buffer.alloc(100);
    shp.writeInt32BE(9994, 0);
    const e = await refused(await zip({ 'grids.shp': shp, 'grids.shx': shp }), {}, 400, 'file', 'missing_dbf', 'grids.zip');
    expect(e.message).toMatch(/\.dbf/);
    await refused(await zip({ 'readme.txt': 'grids' }), {}, 400, 'file', 'missing_shp', 'grids.zip');
  });

  it('refuses a KML with no polygons', async () => {
    const kml = `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>
      <Placemark><name>A</name><Point><coordinates>114.3,30.5</coordinates></Point></Placemark></Document></kml>`;
    await refused(Buffer.from(kml), {}, 400, 'file', 'no_polygons', 'points.kml');
  });

  it('asks for a mapping when the file does not say the level of mixed levels', async () => {
    const noLevel = { ...tree, features: tree.features.map((x) => ({ ...x, properties: { code: x.properties.code, name: x.properties.name } })) };
    const e = await refused(noLevel, {}, 400, 'mapping', 'mapping_needed');
    expect(e.message).toMatch(/level/);
    await refused(tree, { mapping: '{not json' }, 400, 'mapping', 'invalid_mapping');
    await refused(tree, { mapping: JSON.stringify({ code: 'code', name: 'name', level: { fixed: 7 } }) }, 400, 'mapping.level', 'invalid_mapping');
    await refused(tree, { mapping: JSON.stringify({ code: 'code', name: 'name', level: { property: 'nope' } }) }, 400, 'mapping', 'unknown_property');
  });

  it('refuses a file over the size limit while it streams (413 naming file)', async () => {
    uploadLimits.maxFileBytes = 20_000;
    const big = Buffer.from(JSON.stringify({ ...tree, pad: 'x'.repeat(40_000) }));
    await refused(big, {}, 413, 'file', 'too_large');
    // Under the limit the same tree is taken.
    expect((await admin.upload(tree)).status).toBe(201);
  });

  it('takes only multipart/form-data with a file part here, and JSON everywhere else', async () => {
    const json = await admin.client.post('/api/boundaries/imports', tree);
    expect(json.status).toBe(415);
    expect(json.body.error.field).toBe('body');
    const noFile = await admin.upload(Buffer.alloc(0), { crs: 'wgs84' });
    expect(noFile.status).toBe(400);
    const form = new FormData();
    form.append('crs', 'wgs84');
    const { cookie } = admin;
    const missing = await fetch(`${t.baseUrl}/api/boundaries/imports`, { method: 'POST', headers: { cookie }, body: form });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.field).toBe('file');
    // Another route still refuses a multipart body.
    const other = await fetch(`${t.baseUrl}/api/persons`, { method: 'POST', headers: { cookie }, body: form });
    expect(other.status).toBe(415);
    // A body cut off inside its file part (no closing boundary): refused, and the server lives on.
    const cut = await fetch(`${t.baseUrl}/api/boundaries/imports`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'multipart/form-data; boundary=XB', 'accept-language': 'zh-CN' },
      body: `--XB\r\nContent-Disposition: form-data; name="file"; filename="a.geojson"\r\n\r\n${'x'.repeat(3000)}`,
    });
    const cutBody = await cut.json();
    expect([cut.status, cutBody.error.field], JSON.stringify(cutBody)).toEqual([400, 'body']);
    expect(cutBody.error.message).toMatch(/不完整/);
    expect((await fetch(`${t.baseUrl}/api/health`)).status).toBe(200);
    // Parts other than the one file are refused in the request's language too.
    const twoFiles = new FormData();
    twoFiles.append('file', new Blob(['{}']), 'a.geojson');
    twoFiles.append('other', new Blob(['{}']), 'b.geojson');
    const extra = await fetch(`${t.baseUrl}/api/boundaries/imports`, { method: 'POST', headers: { cookie, 'accept-language': 'zh-CN' }, body: twoFiles });
    const extraBody = await extra.json();
    expect([extra.status, extraBody.error.field]).toEqual([400, 'body']);
    expect(extraBody.error.message).toMatch(/只能上传一个文件/);
    const badCrs = await admin.upload(tree, { crs: 'mars' });
    expect(badCrs.status).toBe(400);
    expect(badCrs.body.error.field).toBe('crs');
  });
});

describe('the attribute mapping', () => {
  it('guesses it, saves it for the tenant, and uses the saved one next time', async () => {
    const renamed = { ...tree, features: tree.features.map((x) => ({ ...x, properties: { 编码: x.properties.code, 名称: x.properties.name, 层级: x.properties.level, 上级编码: x.properties.parent_code } })) };
    const r = await admin.upload(renamed);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.report.mapping).toEqual({ code: '编码', name: '名称', level: { property: '层级' }, parentCode: '上级编码' });
    expect((await admin.client.get('/api/boundaries/mapping')).body).toEqual(r.body.report.mapping);
    // A grids-only file without a level property: a fixed level, given once, is remembered.
    const grids = { ...tree, features: tree.features.filter((x) => x.properties.level === 5).map((x) => ({ ...x, properties: { gid: x.properties.code, gname: x.properties.name, up: x.properties.parent_code } })) };
    const mapping = { level: { fixed: 5 }, code: 'gid', name: 'gname', parentCode: 'up' };
    const first = await admin.upload(grids, { mapping: JSON.stringify(mapping) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.report.problems).toEqual([]);
    const again = await admin.upload(grids);
    expect(again.status).toBe(201);
    expect(again.body.report.mapping).toEqual(mapping);
    expect(again.body.report.counts.byLevel).toEqual({ 5: 3 });
  });

  it('finds parents by containment when the file has no parent codes', async () => {
    const noParents = { ...tree, features: tree.features.map((x) => ({ ...x, properties: { code: x.properties.code, name: x.properties.name, level: x.properties.level } })) };
    const r = await admin.upload(noParents, { mapping: JSON.stringify({ code: 'code', name: 'name', level: { property: 'level' } }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.report.problems).toEqual([]);
    expect(r.body.report.diff.moved).toEqual([]);
  });
});

describe('who may manage boundaries', () => {
  it('is an admin: a commander gets 403 on every route', async () => {
    const commander = await signIn(t, `${f.prefix}commander`);
    expect((await commander.upload(tree)).status).toBe(403);
    for (const path of ['/api/boundaries/versions', '/api/boundaries/mapping', '/api/boundaries/imports/1', '/api/boundaries/imports/1/features', '/api/boundaries/versions/1/export']) {
      expect((await commander.client.get(path)).status, path).toBe(403);
    }
    for (const path of ['/api/boundaries/imports/1/apply', '/api/boundaries/versions/1/rollback']) {
      expect((await commander.client.post(path, {})).status, path).toBe(403);
    }
    expect((await commander.client.post('/api/boundaries/imports/1/repairs', { featureIndex: 0, accept: true })).status).toBe(403);
  });

  it('keeps each tenant\'s imports and versions to itself (404)', async () => {
    const mine = await admin.upload(tree);
    expect(mine.status).toBe(201);
    const versions = (await admin.client.get('/api/boundaries/versions')).body.items as { id: number }[];
    const g = await createFixture(t.app.db.ownerPool, 'bu2');
    const other = await signIn(t, `${g.prefix}admin`);
    expect((await other.client.get(`/api/boundaries/imports/${mine.body.id}`)).status).toBe(404);
    expect((await other.client.get(`/api/boundaries/imports/${mine.body.id}/features`)).status).toBe(404);
    expect((await other.client.post(`/api/boundaries/imports/${mine.body.id}/apply`, {})).status).toBe(404);
    expect((await other.client.post(`/api/boundaries/imports/${mine.body.id}/repairs`, { featureIndex: 0, accept: true })).status).toBe(404);
    expect((await other.client.get(`/api/boundaries/versions/${versions[0].id}/export`)).status).toBe(404);
    expect((await other.client.post(`/api/boundaries/versions/${versions[0].id}/rollback`, {})).status).toBe(404);
    const theirs = (await other.client.get('/api/boundaries/versions')).body.items as { id: number }[];
    expect(theirs.map((v) => v.id).some((id) => versions.some((w) => w.id === id))).toBe(false);
    expect((await other.client.get('/api/boundaries/mapping')).body).toBeNull();
  });

  it('documents the upload as multipart in the OpenAPI document', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body;
    const post = doc.paths['/api/boundaries/imports'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['multipart/form-data']);
    expect(post.requestBody.content['multipart/form-data'].schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
  });
});

describe('refusals in the request\'s language', () => {
  const zh = { 'accept-language': 'zh-CN' };
  // Web Mercator metres (Wuhan) in a GeoJSON that states no CRS.
  const projected = {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { code: 'x', name: 'x', level: 5 },
      geometry: { type: 'Polygon', coordinates: [[[12725694.45, 3579704.23], [12725794.45, 3579704.23], [12725794.45, 3579804.23], [12725694.45, 3579704.23]]] } }],
  };

  it('says coordinates that are not longitude/latitude in Chinese for zh-CN, in English otherwise', async () => {
    const cn = await admin.upload(projected, {}, undefined, zh);
    expect(cn.status).toBe(400);
    expect(cn.body.error).toMatchObject({ code: 'coordinates_out_of_range', field: 'crs' });
    expect(cn.body.error.message).toMatch(/^要素 0 的坐标（12725694\.45, 3579704\.23）无法换算为经纬度.*坐标系与所述不符或未注明/);
    const en = await admin.upload(projected);
    expect(en.body.error).toMatchObject({ code: 'coordinates_out_of_range', field: 'crs' });
    expect(en.body.error.message).toMatch(/^feature 0: coordinate \(12725694\.45, 3579704\.23\) does not become a longitude\/latitude/);
  });

  it('says a broken JSON file in Chinese, quoting the parser', async () => {
    const broken = Buffer.from("{'type': 'FeatureCollection'}");
    const cn = await admin.upload(broken, {}, 'grids.geojson', zh);
    expect(cn.status).toBe(400);
    expect(cn.body.error).toMatchObject({ code: 'invalid_json', field: 'file' });
    expect(cn.body.error.message).toMatch(/^文件看起来是 JSON 但无法读取：.*JSON/);
    const en = await admin.upload(broken, {}, 'grids.geojson');
    expect(en.body.error.message).toMatch(/^the file looks like JSON but cannot be read: /);
  });
});
