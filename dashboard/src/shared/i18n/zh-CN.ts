// Words every app shares (domain vocabulary, languages, sign-in), Simplified Chinese (default).
export default {
  apps: { admin: '网格化社区疫情防控 · 管理后台', command: '网格化社区疫情防控指挥中心', field: '疫情防控外勤', signin: '网格化社区疫情防控系统' },
  role: { commander: '指挥部领导', street_staff: '街道工作人员', community_staff: '社区工作人员', grid_worker: '网格员', doctor: '社区医生', checkpoint: '卡口人员', admin: '系统管理员', security_admin: '安全管理员', audit_admin: '审计管理员' },
  lang: { label: '语言', zh: '中文', en: 'English' },
  login: {
    title: '工作人员登录', username: '用户名', password: '密码', submit: '登录', busy: '正在登录…',
    failed: '登录失败：{msg}', hint: '指挥部、网格员、社区医生、卡口人员共用此登录', offline: '当前无网络，无法登录',
    citizen: '居民入口：举报、健康上报、电子通行证',
    tenant: '单位代码', needTenant: '用户名或密码错误。如用户名在多个单位中使用，请同时填写单位代码',
  },
  forbidden: { title: '无权访问', body: '当前账号（{roles}）没有使用此应用的权限。', other: '换个账号登录', goField: '打开外勤应用', goAdmin: '打开管理后台', goCommand: '打开指挥中心' },
  status: {
    watching: '医学观察', suspected: '疑似', confirmed: '确诊', cured: '治愈', dead: '死亡', released: '解除隔离', closed: '排除结案',
  },
  severity: { mild: '轻症', severe: '重症', critical: '危重' },
  level: { 1: '市', 2: '区', 3: '街道', 4: '社区', 5: '网格' },
  route: { imported: '输入性', local_contact: '本地接触', cluster: '聚集性', unknown: '不明', unspecified: '未填写' },
  source: {
    cdc: '疾控推送', self_declared: '自主申报', three_person_team: '三人小组', grid_survey: '网格排查', checkpoint: '卡口登记',
    citizen_report: '市民举报', close_contact: '密接上报', enterprise: '企业申报', doctor_survey: '医生排查', other: '其他',
  },
  common: { loading: '加载中…', error: '加载失败：{msg}', empty: '暂无数据', retry: '重试', all: '全部', total: '共 {n} 条', page: '第 {p} / {n} 页', prev: '上一页', next: '下一页', scope: '全部辖区', close: '关闭' },
  reportKind: { citizen: '市民上报', close_contact: '密接上报', enterprise: '企业申报', checkpoint: '卡口登记', patrol: '网格巡查', doctor_survey: '医生排查' },
  taskKind: { verification: '入户核实', check: '健康检查', referral: '转诊', self_report_overdue: '自报逾期' },
  alertKind: { abnormal_reading: '体征异常', pass_mismatch: '他人多次冒用其身份证申领通行证' },
  condition: { none: '无', fever: '发热', cough: '咳嗽', vomiting: '呕吐', diarrhoea: '腹泻', rash: '皮疹', headache: '头痛', other: '其他' },
};
