// What a request field is called on the screens, for refusals that name it ("姓名：不能为空", not
// "name：不能为空"). The person fields' names come from the workbook's columns (added at start-up,
// app.ts); these are the other fields of the forms.
import type { Lang } from './lang.ts';

const ZH = new Map<string, string>(Object.entries({
  reason: '原因', kind: '类型', severity: '病情程度', temperature: '体温', fever: '发热', cough: '咳嗽', fatigue: '乏力',
  shortBreath: '气促', outcome: '核实结果', hospital: '定点医院', description: '情况描述', subjectName: '姓名',
  subjectPhone: '手机号', subjectIdNumber: '证件号码', displayName: '姓名', username: '用户名', password: '密码',
  newPassword: '新密码', currentPassword: '当前密码', code: '编码', title: '标题', body: '正文', schoolName: '学校名称',
  grade: '年级', className: '班级', companyName: '企业名称', plannedReturnDate: '计划返回日期', returnTransport: '返回交通方式',
  cameFrom: '从何处来', place: '地点', noticeNo: '解除通知书编号', departmentId: '部门', positionId: '岗位', roleId: '角色',
  jurisdictionId: '管辖范围', parentId: '上级部门', addressDetail: '详细地址', location: '位置', deviceTime: '设备时间',
  selfReportOverdueHours: '自报逾期时长', referralDueHours: '转诊时限', observationDays: '观察天数', checkTimes: '检查时间',
  otp: '验证码', smsCode: '验证码', hubeiHistory: '湖北旅居史', hubeiHistoryRecent: '近期湖北旅居史', q: '搜索',
  permissions: '权限', positionIds: '岗位', roleIds: '角色', scopeIds: '管辖范围',
}));

/** Adds the names of fields described elsewhere (the person workbook's columns). */
export function addFieldLabels(entries: Iterable<[string, string]>): void {
  for (const [key, label] of entries) if (!ZH.has(key)) ZH.set(key, label);
}

/** The field's last named part: `person.name` → name, `coResidents.0.phone` → phone. */
function leaf(path: string): string {
  return path.split('.').filter((p) => !/^\d+$/.test(p)).at(-1) ?? path;
}

/** The field as a screen names it: its Chinese label, or its words in English ("subjectName" → "Subject name"). */
export function fieldLabel(path: string, lang: Lang): string {
  const key = leaf(path);
  if (lang === 'zh-CN') return ZH.get(key) ?? key;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
