import { describe, expect, it } from 'vitest';
import { guessMapping, mapFeatures, parseBoundaryFile, type BoundaryMapping, type ParsedBoundaryFile } from './index.ts';
import { json, refusal, twoLevelTree } from './test-support.ts';

function fileOf(properties: Record<string, unknown>[]): ParsedBoundaryFile {
  const names = [...new Set(properties.flatMap((p) => Object.keys(p)))];
  return {
    format: 'geojson',
    crs: { stated: 'wgs84', detected: null, used: 'none' },
    propertyNames: names,
    features: properties.map((p, index) => ({ index, properties: p, geometry: null })),
  };
}

describe('guessMapping', () => {
  it('recognises English, Chinese and pinyin-initial property names', () => {
    expect(guessMapping(['CODE', 'NAME', 'LEVEL', 'PARENT_CODE', 'area'])).toEqual({
      code: 'CODE', name: 'NAME', level: { property: 'LEVEL' }, parentCode: 'PARENT_CODE',
    });
    expect(guessMapping(['区划代码', '名称', '层级', '上级编码'])).toEqual({
      code: '区划代码', name: '名称', level: { property: '层级' }, parentCode: '上级编码',
    });
    expect(guessMapping(['id', 'name', 'parentCode', '级别'])).toEqual({
      code: 'id', name: 'name', level: { property: '级别' }, parentCode: 'parentCode',
    });
  });

  it('prefers a code over an id and leaves out what it cannot find', () => {
    expect(guessMapping(['id', 'code', 'shape_area'])).toEqual({ code: 'code' });
    expect(guessMapping([])).toEqual({});
  });
});

describe('mapFeatures', () => {
  it('turns the two-level GeoJSON tree into nodes with levels and parents', async () => {
    const file = await parseBoundaryFile(json(twoLevelTree), 'tree.geojson', { crs: 'wgs84' });
    const guess = guessMapping(file.propertyNames);
    expect(guess).toEqual({ code: 'code', name: 'name', level: { property: 'level' }, parentCode: 'parent_code' });
    const { nodes, problems } = mapFeatures(file, guess as BoundaryMapping);
    expect(problems).toEqual([]);
    expect(nodes.map(({ code, name, level, parentCode }) => ({ code, name, level, parentCode }))).toEqual([
      { code: '420102', name: '江岸区', level: 2, parentCode: null },
      { code: '420102001', name: '大智街道', level: 3, parentCode: '420102' },
      { code: '420102002', name: '一元街道', level: 3, parentCode: '420102' },
    ]);
    expect(nodes[2].geometry?.type).toBe('MultiPolygon');
  });

  it('maps level words and numbers written as text; trims codes and names; numbers lose no ".0"', () => {
    const file = fileOf([
      { code: 420100, name: ' 武汉市 ', level: '市' },
      { code: 420102.0, name: '江岸区', level: '区/县', parent: 420100 },
      { code: ' 420102001 ', name: '大智街道', level: '乡镇', parent: '420102' },
      { code: '420102001001', name: '社区一', level: '社区', parent: '420102001' },
      { code: '420102001001-01', name: '网格一', level: '5.0', parent: '420102001001' },
      { code: 'G2', name: '网格二', level: 5, parent: '420102001001' },
    ]);
    const { nodes, problems } = mapFeatures(file, { code: 'code', name: 'name', level: { property: 'level' }, parentCode: 'parent' });
    expect(problems).toEqual([]);
    expect(nodes.map((n) => [n.code, n.name, n.level, n.parentCode])).toEqual([
      ['420100', '武汉市', 1, null],
      ['420102', '江岸区', 2, '420100'],
      ['420102001', '大智街道', 3, '420102'],
      ['420102001001', '社区一', 4, '420102001'],
      ['420102001001-01', '网格一', 5, '420102001001'],
      ['G2', '网格二', 5, '420102001001'],
    ]);
  });

  it('reports each unusable value as a problem of its feature and makes no node of it', () => {
    const file = fileOf([
      { code: '', name: '无编码', level: 5 },
      { code: 'A', name: '  ', level: 5 },
      { code: 'B', name: '乙', level: '小区' },
      { code: 'C', name: '丙', level: 6 },
      { code: 'D', name: '丁\u0007', level: 5 },
      { code: 'E', name: '戊', level: 5, parent: 'E' },
      { code: 'F', name: '己', level: 5, parent: 'A' },
    ]);
    const { nodes, problems } = mapFeatures(file, { code: 'code', name: 'name', level: { property: 'level' }, parentCode: 'parent' });
    expect(nodes.map((n) => n.code)).toEqual(['F']);
    expect(problems.map(({ index, problem, field }) => [index, problem, field])).toEqual([
      [0, 'missing_code', 'code'],
      [1, 'missing_name', 'name'],
      [2, 'bad_level', 'level'],
      [3, 'bad_level', 'level'],
      [4, 'control_characters', 'name'],
      [5, 'bad_parent_code', 'parent'],
    ]);
    expect(problems[2].message).toContain('"小区"');
    expect(problems[3].message).toContain('6');
  });

  it('gives every feature the fixed level of a one-level file', () => {
    const file = fileOf([{ code: 'G1', name: '一' }, { code: 'G2', name: '二' }]);
    const { nodes } = mapFeatures(file, { code: 'code', name: 'name', level: { fixed: 5 } });
    expect(nodes.map((n) => [n.code, n.level, n.parentCode])).toEqual([['G1', 5, null], ['G2', 5, null]]);
  });

  it('refuses a mapping naming a property the file does not have', async () => {
    const file = fileOf([{ code: 'G1', name: '一' }]);
    const level = await refusal(() => mapFeatures(file, { code: 'code', name: 'name', level: { property: 'LEVEL' } }));
    expect([level.code, level.field]).toEqual(['unknown_property', 'mapping']);
    expect(level.message).toContain('"LEVEL"');
    const parent = await refusal(() => mapFeatures(file, { code: 'code', name: 'name', level: { fixed: 5 }, parentCode: 'pcode' }));
    expect([parent.code, parent.field]).toEqual(['unknown_property', 'mapping']);
  });
});
