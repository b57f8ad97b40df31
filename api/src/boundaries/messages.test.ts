import { describe, expect, it } from 'vitest';
import { fileErrorZh, problemZh } from './messages.ts';
import type { ProblemOut } from './schema.ts';

const problem = (p: Partial<ProblemOut>): ProblemOut => ({ id: '1', severity: 'error', problem: 'x', featureIndex: 3, code: 'g1', message: 'whatever the English says', ...p });

describe('a problem in Chinese', () => {
  it('is built from its params, whatever the English message says', () => {
    expect(problemZh(problem({ problem: 'invalid_geometry', params: { reason: 'Self-intersection', repairRefused: true } }))).toBe('要素 3（g1）不是有效的多边形：自相交（已拒绝修复）');
    expect(problemZh(problem({ problem: 'bad_level_order', otherCode: 'c1', params: { level: 5, parentLevel: 3, expected: 4 } }))).toBe('g1 为第 5 级，但其上级 c1 为第 3 级（应为第 4 级）');
    expect(problemZh(problem({ problem: 'missing_parent', params: { level: 4, derived: true } }))).toBe('g1（第 4 级）不在文件或现有辖区树中任何第 3 级节点之内');
    expect(problemZh(problem({ problem: 'control_characters', params: { part: 'name', value: 'a\u0007b', property: 'NAME' } }))).toBe('要素 3：名称 "a\\u0007b" 含有控制字符');
  });

  it('says its kind with the English when it has no params (a report validated before they were kept)', () => {
    expect(problemZh(problem({ problem: 'multipart', message: 'grid g1 is in 2 separate parts' }))).toBe('多部件（grid g1 is in 2 separate parts）');
  });
});

describe('a file refusal in Chinese', () => {
  it('says an empty file is empty and names a file of no known format, without the English', () => {
    expect(fileErrorZh({ code: 'empty_file', message: 'empty.geojson is empty (0 bytes)', params: { file: 'empty.geojson' } })).toBe('empty.geojson 是空文件（0 字节），请重新选择边界文件');
    expect(fileErrorZh({ code: 'unknown_format', message: 'x', params: { file: 'a.txt' } })).toBe('无法识别 a.txt 的文件格式，须为 GeoJSON、Shapefile 压缩包（.zip）、KML 或 KMZ');
  });
});
