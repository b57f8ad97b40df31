// The columns of the person workbook (template, import, export): §5.1's 44 fields as spreadsheet
// columns. What a value may be comes from the API's own schema (PersonCreate, checked on every
// imported row); this table adds what a spreadsheet needs: the Chinese header, the labels of coded
// values (the dropdowns), how a cell is read, and an example.
import { CONDITIONS, SOURCES } from '../persons/schema.ts';
import { SEVERITY_ZH, STATUS_ZH } from '../persons/status.ts';

export type ColumnKind =
  | 'text' | 'enum' | 'enumList' | 'bool' | 'int' | 'date' | 'datetime' | 'idNumber' | 'phone' | 'landline'
  | 'coResidents' | 'attendance' | 'number' | 'crs' | 'householdId' | 'note';

export interface Column {
  /** The PersonCreate field (or lon/lat/crs/note of the import). */
  key: string;
  header: string;
  group: string;
  kind: ColumnKind;
  required?: boolean;
  /** Coded values: code → label (the label is what the dropdown offers; either is accepted). */
  options?: Record<string, string>;
  /** Other words spreadsheets use for a code (read as that code; never written). */
  aliases?: Record<string, string[]>;
  example: string | number;
  hint: string;
  width?: number;
}

const YES_NO = { true: '是', false: '否' };
export const LABELS = {
  idType: { resident_id: '居民身份证', passport: '护照', hk_macau_permit: '港澳居民来往内地通行证', taiwan_permit: '台湾居民来往大陆通行证', other: '其他' },
  sex: { male: '男', female: '女' },
  arrivalCategory: { resident: '常住人员', new_arrival: '新增外来人员', returning_worker: '返工人员' },
  conditions: { none: '无状况', fever: '发热', cough: '咳嗽', vomiting: '呕吐', diarrhoea: '腹泻', rash: '皮疹', headache: '头痛', other: '其他' } satisfies Record<(typeof CONDITIONS)[number], string>,
  postReleaseState: { centralized_treatment: '集中治疗', free: '自由' },
  arrivalTransport: { plane: '飞机', train: '火车', coach: '长途汽车', car: '自驾', ship: '轮船', other: '其他' },
  infectionRoute: { imported: '输入', local_contact: '本地接触', cluster: '聚集性', unknown: '不明' },
  source: {
    cdc: '疾控中心', self_declared: '自主申报', three_person_team: '三人小组', grid_survey: '网格排查', checkpoint: '卡口排查',
    citizen_report: '市民上报', close_contact: '密接排查', enterprise: '企业申报', doctor_survey: '医生排查', other: '其他',
  } satisfies Record<(typeof SOURCES)[number], string>,
  observationMode: { home: '居家观察', centralized: '集中隔离' },
  housingType: { owned: '自有住房', rented: '租住', dormitory: '宿舍', hotel: '酒店', other: '其他' },
  // as every app names them
  status: STATUS_ZH,
  severity: SEVERITY_ZH,
  crs: { wgs84: 'WGS84', gcj02: 'GCJ02', bd09: 'BD09' },
} as const;

const G = { id: '身份信息', health: '健康信息', trip: '轨迹信息', manage: '管理信息', place: '居住位置' };
const bool = (key: string, header: string, group: string, hint: string): Column => ({ key, header, group, kind: 'bool', options: YES_NO, example: '否', hint });

export const COLUMNS: Column[] = [
  { key: 'name', header: '姓名', group: G.id, kind: 'text', required: true, example: '张三', hint: '1-50 个字' },
  { key: 'idType', header: '证件类型', group: G.id, kind: 'enum', options: LABELS.idType, example: '居民身份证', hint: '不填为居民身份证' },
  { key: 'idNumber', header: '证件号码', group: G.id, kind: 'idNumber', example: '42010219900307123X', width: 22, hint: '身份证 18 位，末位可为 X，校验位按 GB 11643 检查；请把本列设为文本，以数字存放的 18 位号码会丢失末几位' },
  { key: 'nativePlace', header: '籍贯', group: G.id, kind: 'text', example: '湖北省武汉市', hint: '具体到地级市' },
  { key: 'sex', header: '性别', group: G.id, kind: 'enum', options: LABELS.sex, example: '男', hint: '身份证号码已含性别，可不填；填写时须一致' },
  { key: 'age', header: '年龄', group: G.id, kind: 'int', example: 30, hint: '0-130 的整数；身份证号码已含出生日期，可不填' },
  { key: 'arrivalCategory', header: '新增外来人员/返工人员', group: G.id, kind: 'enum', options: LABELS.arrivalCategory, example: '返工人员', hint: '人员类别' },
  { key: 'address', header: '现住址', group: G.id, kind: 'text', example: '江汉区新华街道 12 号 3 单元 501', width: 30, hint: '现住址、所属户编号、经纬度三者至少填一项；只填住址时按辖区住户地址精确匹配定位' },
  { key: 'phone', header: '电话', group: G.id, kind: 'phone', example: '13800138000', width: 14, hint: '11 位手机号码（本列为文本）' },
  { key: 'emergencyPhone', header: '紧急联系人电话', group: G.id, kind: 'landline', example: '027-88886666', width: 14, hint: '手机号码或 027-88886666 形式的座机' },
  { key: 'conditions', header: '身体状况', group: G.health, kind: 'enumList', options: LABELS.conditions, example: '发热,咳嗽', hint: '可多选，用逗号或顿号分隔' },
  { key: 'conditionNote', header: '身体状况说明', group: G.health, kind: 'text', example: '晨起低热', hint: '最多 500 字' },
  { key: 'postReleaseState', header: '解除隔离后状态', group: G.health, kind: 'enum', options: LABELS.postReleaseState, example: '自由', hint: '集中治疗或自由' },
  { key: 'isolationConfirmedAt', header: '隔离起始时间确认', group: G.health, kind: 'datetime', example: '2020-02-03 09:30', width: 18, hint: '日期或日期加时间（北京时间）' },
  { key: 'observationStart', header: '居家观察开始时间', group: G.health, kind: 'date', example: '2020-02-03', hint: '日期：2020-02-03、2020/2/3、2020年2月3日、20200203 或 Excel 日期' },
  { key: 'observationEnd', header: '居家观察结束时间', group: G.health, kind: 'date', example: '2020-02-17', hint: '不早于开始时间；持续时长由系统计算' },
  { key: 'arrivedAt', header: '何时来市', group: G.trip, kind: 'date', example: '2020-01-20', hint: '日期' },
  { key: 'arrivalTransport', header: '来市交通方式', group: G.trip, kind: 'enum', options: LABELS.arrivalTransport, example: '火车', hint: '' },
  { key: 'arrivalTripNo', header: '航班/火车班次', group: G.trip, kind: 'text', example: 'G1234', hint: '字母和数字，2-10 位' },
  bool('wuhanHistory', '是否有武汉居住、旅行史', G.trip, '是/否'),
  bool('hubeiHistory', '是否有湖北旅居史', G.trip, '是/否'),
  bool('contactWithExposed', '是否接触过武汉旅居者或有类似症状的病人', G.trip, '是/否'),
  bool('wildAnimalContact', '是否有野生动物接触史', G.trip, '是/否'),
  bool('wetMarketVisit', '是否有农贸、生鲜市场活动史', G.trip, '是/否'),
  { key: 'infectionRoute', header: '感染途径', group: G.trip, kind: 'enum', options: LABELS.infectionRoute, example: '不明', hint: '' },
  { key: 'source', header: '隔离信息报送来源', group: G.manage, kind: 'enum', required: true, options: LABELS.source, example: '网格排查', hint: '' },
  bool('noticeSigned', '是否签署告知书', G.manage, '是/否'),
  bool('homeGuideGiven', '是否发放居家指引', G.manage, '是/否'),
  bool('enterpriseManaged', '是否企业管辖人员', G.manage, '是/否'),
  { key: 'handoverPerson', header: '隔离人员移交确认交接人', group: G.manage, kind: 'text', example: '李四', hint: '' },
  { key: 'isolationStartEvidence', header: '隔离起始时间确定凭证', group: G.manage, kind: 'text', example: '车票', hint: '最多 200 字' },
  { key: 'observationMode', header: '隔离观察方式', group: G.manage, kind: 'enum', options: LABELS.observationMode, example: '居家观察', hint: '' },
  { key: 'observationPlace', header: '隔离观察地点', group: G.manage, kind: 'text', example: '家中', hint: '' },
  { key: 'centralizedRoomNo', header: '集中隔离点门牌号', group: G.manage, kind: 'text', example: '', hint: '集中隔离时填写' },
  { key: 'housingType', header: '房屋类型', group: G.manage, kind: 'enum', options: LABELS.housingType, example: '自有住房', hint: '' },
  { key: 'coResidentCount', header: '同住人数', group: G.manage, kind: 'int', example: 2, hint: '0-50 的整数' },
  { key: 'coResidents', header: '同住人信息及关系', group: G.manage, kind: 'coResidents', example: '王五:配偶;张小三:子女', width: 24, hint: '姓名:关系，多人用分号分隔' },
  { key: 'inspectorAttendance', header: '检查督查人员到岗记录', group: G.manage, kind: 'attendance', example: '赵六 2020-02-04 10:00', width: 24, hint: '姓名 日期 时间，多条用分号分隔' },
  { key: 'visitContact', header: '上门排查联系人', group: G.manage, kind: 'text', example: '刘芳', hint: '' },
  bool('releaseNoticeIssued', '是否发放解除隔离通知书', G.manage, '是/否'),
  { key: 'note', header: '后续行为动态记录', group: G.manage, kind: 'note', example: '已电话回访', width: 24, hint: '导入后成为人员动态记录的第一条，最多 1000 字' },
  {
    key: 'status', header: '人员状态', group: G.manage, kind: 'enum', options: { watching: STATUS_ZH.watching, suspected: '疑似', confirmed: '确诊' },
    aliases: { watching: ['隔离观察', '居家观察', '居家隔离观察', '集中隔离观察', '观察'] }, example: STATUS_ZH.watching, hint: `不填为${STATUS_ZH.watching}（也可写隔离观察、居家观察）；确诊须填病情程度`,
  },
  { key: 'severity', header: '病情程度', group: G.manage, kind: 'enum', options: LABELS.severity, example: '', hint: '仅确诊人员填写' },
  { key: 'householdId', header: '所属户编号', group: G.place, kind: 'householdId', example: '', hint: '系统中住户的编号（可不填）' },
  { key: 'lon', header: '经度', group: G.place, kind: 'number', example: 114.3055, hint: '与纬度一起填写，按“坐标系”换算' },
  { key: 'lat', header: '纬度', group: G.place, kind: 'number', example: 30.5928, hint: '' },
  { key: 'crs', header: '坐标系', group: G.place, kind: 'crs', options: LABELS.crs, example: 'WGS84', hint: 'WGS84（GPS，默认）、GCJ02（高德、腾讯、微信）、BD09（百度）' },
];

/**
 * §5.1's fields that are not columns of the workbook, and why (the explanation sheet lists them
 * so that all 44 are accounted for).
 */
export const NOT_IMPORTED: { no: number; field: string; why: string }[] = [
  { no: 12, field: '自查体温记录', why: '每日由居民在小程序填报，不随人员导入' },
  { no: 13, field: '体温被动测量记录', why: '由网格员、医生检查时录入' },
  { no: 14, field: '体温检测执行人', why: '随每条测温记录保存' },
  { no: 19, field: '居家观察持续时长', why: '由开始、结束时间计算' },
  { no: 43, field: '对比分析模型', why: '由系统统计生成' },
  { no: 44, field: '定期信息报送', why: '由系统统计生成' },
];

/** §5.1 numbers of the columns (the explanation sheet's first column). */
export const SECTION_NO: Record<string, number> = {
  name: 1, idType: 2, idNumber: 3, nativePlace: 4, sex: 5, age: 6, arrivalCategory: 7, address: 8, phone: 9, emergencyPhone: 10,
  conditions: 11, postReleaseState: 15, isolationConfirmedAt: 16, observationStart: 17, observationEnd: 18, arrivedAt: 20,
  arrivalTransport: 21, arrivalTripNo: 22, wuhanHistory: 23, contactWithExposed: 24, wildAnimalContact: 25, wetMarketVisit: 26,
  source: 27, noticeSigned: 28, homeGuideGiven: 29, enterpriseManaged: 30, handoverPerson: 31, isolationStartEvidence: 32,
  observationMode: 33, observationPlace: 34, centralizedRoomNo: 35, housingType: 36, coResidentCount: 37, coResidents: 38,
  inspectorAttendance: 39, visitContact: 40, releaseNoticeIssued: 41, note: 42,
};

/** Fields the checks name that are no one column: the place comes from coordinates, an address or a household. */
const OTHER_HEADERS: Record<string, string> = { location: '位置' };
export const headerOf = (key: string) => COLUMNS.find((c) => c.key === key)?.header ?? OTHER_HEADERS[key] ?? key;

/** A header as typed by people: half-width, no spaces, asterisks or bracketed hints, lower case. */
export function headerKey(s: string): string {
  return toHalfWidth(s).replace(/\(.*?\)|（.*?）/g, '').replace(/[\s*＊]/g, '').toLowerCase();
}

/** Other names people give the columns. */
const ALIASES: Record<string, string[]> = {
  idNumber: ['身份证号', '身份证号码', '证件号'],
  phone: ['手机号', '手机号码', '联系电话', '电话号码'],
  address: ['住址', '地址', '居住地址'],
  sex: ['性別'],
  lon: ['longitude', 'lng'],
  lat: ['latitude'],
  householdId: ['户编号', '住户编号'],
};

let byHeader: Map<string, Column> | undefined;
/** The column a header cell names (its header, an alias, or the API field name), if any. */
export function columnForHeader(text: string): Column | undefined {
  if (!byHeader) {
    byHeader = new Map();
    for (const c of COLUMNS) {
      for (const name of [c.header, c.key, ...(ALIASES[c.key] ?? [])]) byHeader.set(headerKey(name), c);
    }
  }
  return byHeader.get(headerKey(text));
}

/** Full-width ASCII (ＡＢＣ１２３) and the ideographic space to their half-width forms. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
