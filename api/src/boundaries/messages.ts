// Chinese texts of the boundary import: the file parser's refusals (geodata/src/import) and the
// validation problems of a report. Problems are stored with their English message and their details
// as values (params, validation-queries.ts and the mapping); a report goes out with each problem's
// message in the request's language (http/lang.ts), built from its fields and params. Codes and
// fields never change. The file parser's refusals carry their details as params too.
import type { BoundaryFileError } from '../../../geodata/src/import/index.ts';
import type { Lang } from '../http/lang.ts';
import type { ProblemOut, Report } from './schema.ts';

/** What each refusal of the file parser says in Chinese; its English detail follows. */
const FILE_ERROR_ZH: Record<string, string> = {
  file_too_large: '文件过大',
  empty_file: '文件是空的',
  no_features: '文件中没有任何要素',
  too_many_features: '文件中的要素过多',
  unknown_format: '无法识别文件格式，须为 GeoJSON、Shapefile 压缩包（.zip）、KML 或 KMZ',
  missing_shp: '压缩包中没有 Shapefile（.shp）或 KML 文件',
  multiple_shapefiles: '压缩包中有多个 Shapefile，请每次上传一个',
  missing_dbf: 'Shapefile 缺少 .dbf 属性文件（含编码和名称），请将其一并压缩上传',
  missing_prj: 'Shapefile 缺少 .prj 文件，且其坐标不是经纬度，请附上对应的 .prj 文件',
  invalid_shapefile: 'Shapefile 无效或无法读取',
  unsupported_crs: '不支持文件的坐标系',
  coordinates_out_of_range: '坐标无法换算为经纬度，文件的坐标系与所述不符或未注明',
  unknown_property: '字段对应中的属性在文件中不存在',
  invalid_geometry: '文件中有无效的几何图形',
  invalid_json: '文件看起来是 JSON 但无法读取',
  invalid_geojson: '文件不是有效的 GeoJSON',
  invalid_kml: 'KML 文件格式有误，不是有效的 XML',
  no_polygons: 'KML 中没有多边形，辖区边界须以多边形绘制',
  zip_bomb: '压缩包解压后过大',
  invalid_zip: '压缩包无法解压（已损坏、已加密或压缩方式不受支持）',
};

/** A parser refusal in Chinese: whole sentences from its params where the detail matters, else the kind with the English detail. */
export function fileErrorZh(err: Pick<BoundaryFileError, 'code' | 'message' | 'params'>): string {
  const v = err.params ?? {};
  const has = (...keys: string[]) => keys.every((k) => v[k] !== undefined);
  switch (err.code) {
    case 'invalid_json':
      if (has('detail')) return `文件看起来是 JSON 但无法读取：${v.detail}`;
      break;
    case 'coordinates_out_of_range':
      if (has('feature', 'coordinate', 'got')) {
        return `要素 ${v.feature} 的坐标（${v.coordinate}）无法换算为经纬度（换算结果为 ${v.got}）；文件的坐标系与所述不符或未注明，请选择正确的坐标系或附上 .prj 文件`;
      }
      break;
    case 'missing_prj':
      if (has('file', 'coordinates')) return `${v.file} 缺少 .prj 文件，且其坐标（${v.coordinates}）不是经纬度，请附上对应的 .prj 文件`;
      break;
    case 'unsupported_crs':
      if (has('found', 'supported')) return `不支持文件的坐标系 ${v.found}；支持的坐标系：${v.supported}`;
      break;
    case 'no_features':
      if (has('file')) return `${v.file} 中没有任何要素`;
      break;
    case 'empty_file':
      if (has('file')) return `${v.file} 是空文件（0 字节），请重新选择边界文件`;
      break;
    case 'unknown_format':
      if (has('file')) return `无法识别 ${v.file} 的文件格式，须为 GeoJSON、Shapefile 压缩包（.zip）、KML 或 KMZ`;
      break;
    case 'invalid_geojson':
      if (has('feature')) return `要素 ${v.feature} 不是 GeoJSON Feature`;
      break;
    case 'unknown_property':
      if (has('role', 'property', 'has')) return `字段对应中的${ROLE_ZH[String(v.role)] ?? v.role}属性“${v.property}”在文件中不存在（现有属性：${v.has}）`;
      break;
  }
  return `${FILE_ERROR_ZH[err.code] ?? '边界文件无法导入'}（${err.message}）`;
}

const ROLE_ZH: Record<string, string> = { level: '层级', code: '编码', name: '名称', parentCode: '上级编码', parent: '上级编码' };

/** GEOS's reasons for an invalid polygon (ST_IsValidDetail). */
const REASON_ZH: Record<string, string> = {
  'Self-intersection': '自相交',
  'Ring Self-intersection': '环自相交',
  'Too few points in geometry component': '几何部件的点数过少',
  'Hole lies outside shell': '内环（洞）位于外环之外',
  'Nested holes': '内环（洞）相互嵌套',
  'Interior is disconnected': '内部不连通',
  'Nested shells': '外环相互嵌套',
  'Duplicate Rings': '环重复',
  'Invalid Coordinate': '坐标无效',
  'Ring is not closed': '环未闭合',
};

const GEOMETRY_ZH: Record<string, string> = {
  Point: '点', Multipoint: '多点', Linestring: '线', Multilinestring: '多线', Geometrycollection: '几何集合',
};

// followed directly by the predicate: no space after a full-width bracket
const feat = (p: ProblemOut) => `要素 ${p.featureIndex}${p.code ? `（${p.code}）` : ' '}`;
const area = (a: number | null | undefined) => (a == null ? '' : `${Math.round(a * 100) / 100} m²`);

/** One problem's message in Chinese, from its fields and params; without them, the kind with the English. */
export function problemZh(p: ProblemOut): string {
  const v = (p.params ?? {}) as Record<string, unknown>;
  const has = (...keys: string[]) => keys.every((k) => v[k] !== undefined && v[k] !== null);
  switch (p.problem) {
    case 'empty_geometry':
      return `${feat(p)}没有几何图形`;
    case 'not_polygon':
      if (has('geometryType')) return `${feat(p)}是${GEOMETRY_ZH[String(v.geometryType)] ?? v.geometryType}，不是多边形`;
      break;
    case 'invalid_geometry':
      if (has('reason')) return `${feat(p)}不是有效的多边形：${REASON_ZH[String(v.reason)] ?? v.reason}${v.repairRefused ? '（已拒绝修复）' : ''}`;
      break;
    case 'multipart':
      if (has('parts')) return `网格 ${p.code} 由 ${v.parts} 个互不相连的部分组成`;
      break;
    case 'sliver':
      if (has('belowM2')) return `${p.code ?? `要素 ${p.featureIndex}`} 是碎片，面积 ${area(p.areaM2)}（小于 ${v.belowM2} m²）`;
      break;
    case 'duplicate_code':
      if (has('firstFeature')) return `要素 ${p.featureIndex} 的编码 ${p.code} 与要素 ${v.firstFeature} 的编码重复`;
      break;
    case 'missing_parent':
      if (has('level', 'derived')) {
        return v.derived
          ? `${p.code}（第 ${v.level} 级）不在文件或现有辖区树中任何第 ${Number(v.level) - 1} 级节点之内`
          : `${p.code}（第 ${v.level} 级）没有上级编码`;
      }
      break;
    case 'bad_level_order':
      if (has('parentLevel', 'expected')) return `${p.code} 为第 ${v.level} 级，但其上级 ${p.otherCode} 为第 ${v.parentLevel} 级（应为第 ${v.expected} 级）`;
      if (v.level === 1) return `${p.code} 是第 1 级节点（市），但填写了上级 ${p.otherCode}`;
      break;
    case 'unknown_parent':
      return `${p.code} 的上级 ${p.otherCode} 既不在文件中，也不在保留的现有辖区树中`;
    case 'overlap':
      return `${p.code} 与 ${p.otherCode} 重叠 ${area(p.areaM2)}`;
    case 'outside_parent':
      return `${p.code} 有 ${area(p.areaM2)} 超出其上级 ${p.otherCode}`;
    case 'gap':
      return `${p.code} 有 ${area(p.areaM2)} 未被任何下级覆盖`;
    // problems of the attribute mapping (geodata/src/import/mapping.ts)
    case 'missing_code':
      if (has('property')) return `要素 ${p.featureIndex}：属性“${v.property}”中没有编码`;
      break;
    case 'missing_name':
      if (has('property')) return `要素 ${p.featureIndex}：属性“${v.property}”中没有名称`;
      break;
    case 'bad_level':
      if (has('value')) return `要素 ${p.featureIndex}：层级 ${v.value} 无效，须为 1–5 或 市、区/县、街道/乡镇、社区/村、网格`;
      break;
    case 'bad_parent_code':
      if (has('value')) return `要素 ${p.featureIndex}：上级编码 ${v.value} 与自身编码相同`;
      break;
    case 'control_characters':
      if (has('part', 'value')) {
        return `要素 ${p.featureIndex}：${{ code: '编码', name: '名称', parentCode: '上级编码' }[String(v.part)] ?? v.part} ${JSON.stringify(v.value)} 含有控制字符`;
      }
      break;
  }
  return `${PROBLEM_ZH[p.problem] ?? '问题'}（${p.message}）`;
}

const PROBLEM_ZH: Record<string, string> = {
  invalid_geometry: '几何无效', empty_geometry: '几何为空', not_polygon: '不是多边形', multipart: '多部件', sliver: '碎片', overlap: '与同级重叠',
  gap: '未覆盖上级', outside_parent: '超出上级', duplicate_code: '编码重复', missing_parent: '缺少上级', unknown_parent: '上级不存在',
  bad_level_order: '层级不连续', missing_code: '缺少编码', missing_name: '缺少名称', bad_level: '层级无效', bad_parent_code: '上级编码无效',
  control_characters: '含有控制字符',
};

/** A report with its problems' messages in the request's language (the stored report stays English). */
export function reportIn<R extends Pick<Report, 'problems'>>(report: R, lang: Lang): R {
  if (lang === 'en') return report;
  return { ...report, problems: report.problems.map((p) => ({ ...p, message: problemZh(p) })) };
}
