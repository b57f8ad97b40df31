// From file properties to jurisdiction nodes: which property holds code, name, level and parent.
import { BoundaryFileError, type BoundaryMapping, type BoundaryNode, type ImportedFeature, type MappingProblem, type ParsedBoundaryFile } from './types.ts';

type Level = 1 | 2 | 3 | 4 | 5;

/** Words admins write for the five levels (city › district › street › community › grid). */
const LEVEL_WORDS: Record<string, Level> = {
  市: 1, 城市: 1, 地级市: 1, city: 1,
  区: 2, 县: 2, '区/县': 2, 区县: 2, 县区: 2, 市辖区: 2, 县级市: 2, district: 2, county: 2,
  街道: 3, 乡镇: 3, '街道/乡镇': 3, 街道办事处: 3, 街道办: 3, 乡: 3, 镇: 3, street: 3, township: 3, town: 3,
  社区: 4, 村: 4, '社区/村': 4, 居委会: 4, 社区居委会: 4, 村委会: 4, 行政村: 4, community: 4, village: 4,
  网格: 5, grid: 5,
};

/** Common property names, most specific first; compared without case, spaces, `_` and `-`. */
const GUESSES = {
  code: ['code', '编码', '区划代码', '行政区划代码', '区划编码', '网格编码', '代码', 'adcode', 'xzqdm', 'bm', 'dm', 'id'],
  name: ['name', '名称', '区划名称', '网格名称', '行政区划名称', 'xzqmc', 'mc'],
  level: ['level', '层级', '级别', '等级', 'lvl', 'jb', 'cj'],
  parentCode: ['parentcode', 'parent', 'parentid', 'pcode', 'parentadcode', '上级编码', '上级代码', '上级区划代码', '父级编码', '父编码', 'sjbm', 'sjdm'],
};

function comparable(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

/** The mapping a file's property names suggest; roles without a recognisable property are left out. */
export function guessMapping(propertyNames: string[]): Partial<BoundaryMapping> {
  const find = (candidates: string[]) => {
    for (const candidate of candidates) {
      const hit = propertyNames.find((p) => comparable(p) === comparable(candidate));
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  const guess: Partial<BoundaryMapping> = {};
  const [code, name, level, parentCode] = [find(GUESSES.code), find(GUESSES.name), find(GUESSES.level), find(GUESSES.parentCode)];
  if (code) guess.code = code;
  if (name) guess.name = name;
  if (level) guess.level = { property: level };
  if (parentCode) guess.parentCode = parentCode;
  return guess;
}

/**
 * Nodes for the features the mapping fully describes, and a problem for each value it cannot use.
 * A feature with any problem yields no node. Geometry is passed on unjudged: the validator checks it.
 */
export function mapFeatures(file: ParsedBoundaryFile, mapping: BoundaryMapping): { nodes: BoundaryNode[]; problems: MappingProblem[] } {
  assertMappedPropertiesExist(file.propertyNames, mapping);
  const nodes: BoundaryNode[] = [];
  const problems: MappingProblem[] = [];
  for (const feature of file.features) {
    const result = nodeOf(feature, mapping);
    if ('node' in result) nodes.push(result.node);
    else problems.push(...result.problems);
  }
  return { nodes, problems };
}

function assertMappedPropertiesExist(propertyNames: string[], mapping: BoundaryMapping): void {
  const roles: [string, string | undefined][] = [
    ['level', 'property' in mapping.level ? mapping.level.property : undefined],
    ['code', mapping.code],
    ['name', mapping.name],
    ['parentCode', mapping.parentCode],
  ];
  for (const [role, property] of roles) {
    if (property === undefined || propertyNames.includes(property)) continue;
    const has = propertyNames.length ? propertyNames.map((p) => `"${p}"`).join(', ') : 'none';
    throw new BoundaryFileError('unknown_property', `the ${role} property "${property}" is not in the file (its properties: ${has})`, 'mapping', { role, property, has });
  }
}

function nodeOf(feature: ImportedFeature, mapping: BoundaryMapping): { node: BoundaryNode } | { problems: MappingProblem[] } {
  const { index, properties } = feature;
  const problems: MappingProblem[] = [];
  const problem = (kind: MappingProblem['problem'], field: string, message: string, params: MappingProblem['params'] = {}) =>
    problems.push({ index, problem: kind, field, message: `feature ${index}: ${message}`, params: { property: field, ...params } });

  const code = textOf(properties[mapping.code]);
  if (!code) problem('missing_code', mapping.code, `no code in "${mapping.code}"`);
  else if (hasControlCharacter(code)) problem('control_characters', mapping.code, `the code ${JSON.stringify(code)} holds a control character`, { part: 'code', value: code });

  const name = textOf(properties[mapping.name]);
  if (!name) problem('missing_name', mapping.name, `no name in "${mapping.name}"`);
  else if (hasControlCharacter(name)) problem('control_characters', mapping.name, `the name ${JSON.stringify(name)} holds a control character`, { part: 'name', value: name });

  let level: Level | null = null;
  if ('fixed' in mapping.level) level = mapping.level.fixed;
  else {
    const value = properties[mapping.level.property];
    level = levelOf(value);
    if (level === null) {
      problem('bad_level', mapping.level.property, `level ${JSON.stringify(value ?? null)} is none of 1–5, 市, 区/县, 街道/乡镇, 社区/村, 网格`, { value: JSON.stringify(value ?? null) });
    }
  }

  const parentCode = mapping.parentCode ? textOf(properties[mapping.parentCode]) || null : null;
  if (parentCode && mapping.parentCode) {
    if (hasControlCharacter(parentCode)) {
      problem('control_characters', mapping.parentCode, `the parent code ${JSON.stringify(parentCode)} holds a control character`, { part: 'parentCode', value: parentCode });
    } else if (parentCode === code) {
      problem('bad_parent_code', mapping.parentCode, `the parent code ${JSON.stringify(parentCode)} is the node's own code`, { value: JSON.stringify(parentCode) });
    }
  }

  if (problems.length || level === null) return { problems };
  return { node: { index, code, name, level, parentCode, geometry: feature.geometry } };
}

/** A level as written in the file: 1–5 (number or text) or one of the level words. */
export function levelOf(value: unknown): Level | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 5 ? (value as Level) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^[1-5](\.0*)?$/.test(text)) return Number.parseInt(text, 10) as Level;
  return LEVEL_WORDS[text.toLowerCase().replace(/\s/g, '')] ?? null;
}

/** Codes and names as trimmed text; numbers (DBF, JSON) without a trailing ".0". */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  return '';
}

function hasControlCharacter(text: string): boolean {
  return /\p{Cc}/u.test(text);
}
