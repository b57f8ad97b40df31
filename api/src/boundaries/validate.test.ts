// Validation of uploads: every problem with a tiny hand-made file, located where PostGIS says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../test/fixture.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { box, edit, feature, fixtureTree, originOf, problemsOf, ring, signIn, type FC, type Uploader } from './test-helpers.ts';

let t: TestApp;
let f: Fixture;
let admin: Uploader;
let tree: FC;
let o: { ox: number; oy: number };
const c = (k: string) => `${f.code}-${k}`;

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app.db.ownerPool, 'bv');
  admin = await signIn(t, `${f.prefix}admin`);
  tree = fixtureTree(f);
  o = originOf(f);
});
afterAll(() => t?.close());

async function validate(fc: FC, fields: Record<string, string> = {}) {
  const r = await admin.upload(fc, fields);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: number; status: string; report: any };
}

describe('validating an upload', () => {
  it('finds nothing wrong with the current tree, and no change', async () => {
    const { status, report } = await validate(tree);
    expect(report.problems).toEqual([]);
    expect(status).toBe('valid');
    expect(report.counts).toEqual({ byLevel: { 1: 1, 2: 2, 3: 2, 4: 2, 5: 3 }, errors: 0, warnings: 0 });
    expect(report.diff).toEqual({ added: [], removed: [], renamed: [], moved: [], reshaped: 0 });
    expect(report.canApply).toBe(true);
    expect(report.needsWarningsAccepted).toBe(false);
    expect(report.mapping).toEqual({ code: 'code', name: 'name', level: { property: 'level' }, parentCode: 'parent_code' });
    expect(report.file).toMatchObject({ format: 'geojson', features: 10, crs: { stated: 'wgs84' } });
  });

  it('reports an overlap between siblings with its area, the other code and the overlap polygon', async () => {
    const { ox, oy } = o;
    // Grid A reaches 0.001° (≈100 m) into grid B; B is unchanged.
    const fc = edit(tree, { [c('ga')]: { geometry: box(ox, oy, ox + 0.101, oy + 0.4) } });
    const { id, status, report } = await validate(fc);
    expect(status).toBe('invalid');
    const [p] = problemsOf(report, 'overlap');
    expect(p).toMatchObject({ severity: 'error', code: c('ga'), otherCode: c('gb') });
    expect(p.areaM2).toBeGreaterThan(4.0e6); // ≈ 96 m × 44 km
    expect(p.areaM2).toBeLessThan(4.6e6);
    expect(p.location[0]).toBeGreaterThan(ox + 0.1);
    expect(p.location[0]).toBeLessThan(ox + 0.101);
    // Grid A now also lies partly outside community m1? No: m1 spans both grids.
    expect(problemsOf(report, 'outside_parent')).toEqual([]);
    const fcOut = await admin.client.get(`/api/boundaries/imports/${id}/features`);
    expect(fcOut.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const problem = fcOut.body.features.find((x: any) => x.properties.kind === 'problem' && x.properties.problemId === p.id);
    expect(problem.geometry.type).toMatch(/Polygon/);
    const node = fcOut.body.features.find((x: any) => x.properties.kind === 'node' && x.properties.code === c('ga'));
    expect(node.properties).toMatchObject({ severity: 'error', level: 5, parentCode: c('m1') });
    expect(node.properties.problems).toContain(p.id);
  });

  it('makes an overlap below the tolerance a warning', async () => {
    const { ox, oy } = o;
    // 1e-7° × 0.4° ≈ 0.01 m × 44 km ≈ 430 m², under a tolerance of 1000 m².
    const fc = edit(tree, { [c('ga')]: { geometry: box(ox, oy, ox + 0.1000001, oy + 0.4) } });
    const { status, report } = await validate(fc, { overlapToleranceM2: '1000' });
    const [p] = problemsOf(report, 'overlap');
    expect(p).toMatchObject({ severity: 'warning', code: c('ga'), otherCode: c('gb') });
    expect(status).toBe('valid');
    expect(report.needsWarningsAccepted).toBe(true);
    expect(report.canApply).toBe(true);
  });

  it('reports a gap in a parent that its children leave uncovered', async () => {
    const { ox, oy } = o;
    const fc = edit(tree, { [c('gb')]: { geometry: box(ox + 0.1, oy, ox + 0.2, oy + 0.3) } });
    const { report } = await validate(fc);
    const [p] = problemsOf(report, 'gap');
    expect(p).toMatchObject({ severity: 'error', code: c('m1') });
    expect(p.areaM2).toBeGreaterThan(1e7);
    expect(p.location[1]).toBeGreaterThan(oy + 0.3);
  });

  it('reports a child outside its parent (error; a warning below the tolerance)', async () => {
    const { ox, oy } = o;
    const fc = edit(tree, { [c('gc')]: { geometry: box(ox + 0.2, oy, ox + 0.4, oy + 0.41) } });
    const { report } = await validate(fc);
    const [p] = problemsOf(report, 'outside_parent');
    expect(p).toMatchObject({ severity: 'error', code: c('gc'), otherCode: c('m2') });
    expect(p.location[1]).toBeGreaterThan(oy + 0.4);
    const small = edit(tree, { [c('gc')]: { geometry: box(ox + 0.2, oy, ox + 0.4, oy + 0.4000001) } });
    const r2 = await validate(small, { overlapToleranceM2: '5000' });
    expect(problemsOf(r2.report, 'outside_parent')[0]).toMatchObject({ severity: 'warning', code: c('gc') });
  });

  it('locates the self-intersection of a bow-tie, and repairs it only when accepted', async () => {
    const { ox, oy } = o;
    const bowtie = { type: 'Polygon', coordinates: [[[ox, oy], [ox + 0.1, oy + 0.4], [ox + 0.1, oy], [ox, oy + 0.4], [ox, oy]]] };
    const { id, report } = await validate(edit(tree, { [c('ga')]: { geometry: bowtie } }));
    const [p] = problemsOf(report, 'invalid_geometry');
    expect(p).toMatchObject({ severity: 'error', code: c('ga'), repairable: true, featureIndex: 7 });
    expect(p.location[0]).toBeCloseTo(ox + 0.05, 6);
    expect(p.location[1]).toBeCloseTo(oy + 0.2, 6);
    expect(report.repairs).toEqual([{ featureIndex: 7, code: c('ga'), accepted: null }]);
    // The map gets the bow-tie as its rings (drawable), the valid ones as polygons.
    const drawn = (await admin.client.get(`/api/boundaries/imports/${id}/features`)).body as GeoJSON.FeatureCollection;
    const nodeOf = (i: number) => drawn.features.find((f) => f.properties!.kind === 'node' && f.properties!.index === i)!;
    expect(nodeOf(7)).toMatchObject({ geometry: { type: expect.stringMatching(/LineString$/) }, properties: { invalid: true } });
    expect(nodeOf(6)).toMatchObject({ geometry: { type: expect.stringMatching(/Polygon$/) }, properties: { invalid: false } });

    const refused = await admin.client.post(`/api/boundaries/imports/${id}/repairs`, { featureIndex: 7, accept: false });
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    expect(problemsOf(refused.body, 'invalid_geometry')[0]).toMatchObject({ severity: 'error', message: expect.stringMatching(/refused/) });
    expect(refused.body.repairs).toEqual([{ featureIndex: 7, code: c('ga'), accepted: false }]);
    expect(refused.body.canApply).toBe(false);

    const accepted = await admin.client.post(`/api/boundaries/imports/${id}/repairs`, { featureIndex: 7, accept: true });
    expect(accepted.status).toBe(200);
    expect(problemsOf(accepted.body, 'invalid_geometry')).toEqual([]);
    expect(accepted.body.repairs).toEqual([{ featureIndex: 7, code: c('ga'), accepted: true }]);
    // ST_MakeValid splits the bow-tie into two triangles: a grid in two parts (a warning), and
    // the halves of grid A it no longer covers are a gap in community m1.
    expect(problemsOf(accepted.body, 'multipart')[0]).toMatchObject({ severity: 'warning', code: c('ga') });
    expect(problemsOf(accepted.body, 'gap').length).toBeGreaterThan(0);
    const got = await admin.client.get(`/api/boundaries/imports/${id}`);
    expect(got.body.report.repairs[0].accepted).toBe(true);

    const notInvalid = await admin.client.post(`/api/boundaries/imports/${id}/repairs`, { featureIndex: 8, accept: true });
    expect(notInvalid.status).toBe(400);
    expect(notInvalid.body.error.field).toBe('featureIndex');
  });

  it('reports a duplicate code, unknown and missing parents and a wrong level order', async () => {
    const { ox, oy } = o;
    const fc = edit(tree, {}, [
      feature(c('ga'), '重复网格', 5, c('m1'), box(ox, oy, ox + 0.01, oy + 0.01)),
      feature(c('x1'), '无上级网格', 5, null, box(ox + 0.3, oy + 0.3, ox + 0.31, oy + 0.31)),
      feature(c('x2'), '未知上级网格', 5, 'no-such-code', box(ox + 0.3, oy + 0.3, ox + 0.31, oy + 0.31)),
      feature(c('x3'), '越级网格', 5, c('s2'), box(ox + 0.3, oy + 0.3, ox + 0.31, oy + 0.31)),
    ]);
    const { report } = await validate(fc);
    expect(problemsOf(report, 'duplicate_code')).toEqual([expect.objectContaining({ severity: 'error', code: c('ga'), featureIndex: 10 })]);
    expect(problemsOf(report, 'missing_parent')).toEqual([expect.objectContaining({ severity: 'error', code: c('x1') })]);
    expect(problemsOf(report, 'unknown_parent')).toEqual([expect.objectContaining({ severity: 'error', code: c('x2'), otherCode: 'no-such-code' })]);
    expect(problemsOf(report, 'bad_level_order')).toEqual([expect.objectContaining({ severity: 'error', code: c('x3'), otherCode: c('s2') })]);
  });

  it('warns of slivers and of grids in several parts', async () => {
    const { ox, oy } = o;
    // Grid C as two separate halves, and a sliver grid 0.00005° square (≈ 5 m × 5 m) between them.
    const twoParts = { type: 'MultiPolygon', coordinates: [[ring(ox + 0.2, oy, ox + 0.4, oy + 0.19)], [ring(ox + 0.2, oy + 0.21, ox + 0.4, oy + 0.4)]] };
    const fc = edit(tree, { [c('gc')]: { geometry: twoParts } }, [feature(c('tiny'), '碎片网格', 5, c('m2'), box(ox + 0.3, oy + 0.2, ox + 0.30005, oy + 0.20005))]);
    const { report } = await validate(fc);
    expect(problemsOf(report, 'multipart')).toEqual([expect.objectContaining({ severity: 'warning', code: c('gc') })]);
    const [s] = problemsOf(report, 'sliver');
    expect(s).toMatchObject({ severity: 'warning', code: c('tiny') });
    expect(s.areaM2).toBeLessThan(100);
  });

  it('reports empty geometries and geometries that are not polygons', async () => {
    const { ox, oy } = o;
    const fc = edit(tree, {}, [
      feature(c('e1'), '空网格', 5, c('m1'), null),
      feature(c('l1'), '线网格', 5, c('m1'), { type: 'LineString', coordinates: [[ox, oy], [ox + 0.1, oy + 0.1]] }),
    ]);
    const { report } = await validate(fc);
    expect(problemsOf(report, 'empty_geometry')).toEqual([expect.objectContaining({ severity: 'error', code: c('e1') })]);
    expect(problemsOf(report, 'not_polygon')).toEqual([expect.objectContaining({ severity: 'error', code: c('l1'), message: expect.stringMatching(/Linestring/i) })]);
  });

  it('passes on the mapper\'s problems as errors', async () => {
    const fc = edit(tree, {}, [{ type: 'Feature', properties: { code: '', name: '无编码', level: 5, parent_code: c('m1') }, geometry: box(o.ox, o.oy, o.ox + 0.01, o.oy + 0.01) }]);
    const { report } = await validate(fc);
    expect(problemsOf(report, 'missing_code')).toEqual([expect.objectContaining({ severity: 'error', featureIndex: 10 })]);
  });
});

describe('problem messages in the request\'s language', () => {
  const zh = { 'accept-language': 'zh-CN,zh;q=0.9' };
  async function validateIn(fc: FC, headers: Record<string, string> = {}) {
    const r = await admin.upload(fc, {}, undefined, headers);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: number; report: any };
  }

  it('says an invalid polygon and what its repair leaves in Chinese for zh-CN, in English otherwise', async () => {
    const { ox, oy } = o;
    const bowtie = { type: 'Polygon', coordinates: [[[ox, oy], [ox + 0.1, oy + 0.4], [ox + 0.1, oy], [ox, oy + 0.4], [ox, oy]]] };
    const fc = edit(tree, { [c('ga')]: { geometry: bowtie } });
    const cn = await validateIn(fc, zh);
    expect(problemsOf(cn.report, 'invalid_geometry')[0].message).toBe(`要素 7（${c('ga')}）不是有效的多边形：自相交`);
    const en = await validateIn(fc);
    expect(problemsOf(en.report, 'invalid_geometry')[0].message).toBe(`feature 7 (${c('ga')}) is not a valid polygon: Self-intersection`);

    const refused = await admin.client.post(`/api/boundaries/imports/${cn.id}/repairs`, { featureIndex: 7, accept: false }, zh);
    expect(problemsOf(refused.body, 'invalid_geometry')[0].message).toMatch(/（已拒绝修复）$/);
    const accepted = await admin.client.post(`/api/boundaries/imports/${cn.id}/repairs`, { featureIndex: 7, accept: true }, zh);
    expect(accepted.status).toBe(200);
    expect(problemsOf(accepted.body, 'multipart')[0].message).toBe(`网格 ${c('ga')} 由 2 个互不相连的部分组成`);
    expect(problemsOf(accepted.body, 'gap')[0].message).toMatch(new RegExp(`^${c('m1')} 有 [\\d.]+ m² 未被任何下级覆盖$`));
    // The stored report is read in either language.
    const got = await admin.client.get(`/api/boundaries/imports/${cn.id}`, zh);
    expect(problemsOf(got.body.report, 'gap')[0].message).toMatch(/未被任何下级覆盖/);
    const gotEn = await admin.client.get(`/api/boundaries/imports/${cn.id}`);
    expect(problemsOf(gotEn.body.report, 'gap')[0].message).toMatch(/is covered by none of its children/);
    expect(problemsOf(gotEn.body.report, 'multipart')[0].message).toMatch(/separate parts/);
  });

  it('says overlaps and parts outside the parent in Chinese for zh-CN, in English otherwise', async () => {
    const { ox, oy } = o;
    const fc = edit(tree, { [c('gb')]: { geometry: box(ox + 0.1, oy, ox + 0.21, oy + 0.4) } });
    const cn = await validateIn(fc, zh);
    const [overlap] = problemsOf(cn.report, 'overlap');
    expect(overlap).toMatchObject({ problem: 'overlap', code: c('gb'), otherCode: c('gc') });
    expect(overlap.message).toBe(`${c('gb')} 与 ${c('gc')} 重叠 ${overlap.areaM2} m²`);
    const [outside] = problemsOf(cn.report, 'outside_parent').filter((p) => p.code === c('gb'));
    expect(outside.message).toBe(`${c('gb')} 有 ${outside.areaM2} m² 超出其上级 ${c('m1')}`);

    const en = await validateIn(fc, { 'accept-language': 'en-US,en;q=0.9' });
    expect(problemsOf(en.report, 'overlap')[0].message).toMatch(/ and .* overlap by [\d.]+ m²$/);
    expect(problemsOf(en.report, 'outside_parent').find((p) => p.code === c('gb')).message).toMatch(/lies outside its parent/);
  });

  it('says the mapper\'s and the tree\'s problems in Chinese', async () => {
    const { ox, oy } = o;
    const fc = edit(tree, {}, [
      { type: 'Feature', properties: { code: '', name: '无编码', level: 5, parent_code: c('m1') }, geometry: box(ox, oy, ox + 0.01, oy + 0.01) },
      feature(c('x2'), '未知上级网格', 5, 'no-such-code', box(ox + 0.3, oy + 0.3, ox + 0.31, oy + 0.31)),
    ]);
    const { report } = await validateIn(fc, zh);
    expect(problemsOf(report, 'missing_code')[0].message).toBe('要素 10：属性“code”中没有编码');
    expect(problemsOf(report, 'unknown_parent')[0].message).toBe(`${c('x2')} 的上级 no-such-code 既不在文件中，也不在保留的现有辖区树中`);
    // no message keeps an English sentence
    for (const p of report.problems) expect(p.message, p.problem).not.toMatch(/\b(feature|lies|overlap|covered|parent)\b/);
  });
});
