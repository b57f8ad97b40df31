// The command center's own words, Simplified Chinese (default); shared words are in shared/i18n.
export default {
  app: { title: '网格化社区疫情防控指挥中心', short: '疫情防控指挥中心', phoneTitle: '掌上战疫' },
  nav: { command: '大屏', phone: '掌上战疫', persons: '人员清单', logout: '退出', back: '返回' },
  panel: {
    counts: '分类统计', overview: '总体概况', daily: '每日新增趋势', cumulative: '累计趋势', byJurisdiction: '辖区分布',
    byRoute: '感染途径', national: '全国疫情', live: '实时动态', persons: '人员清单', legend: '图例', layers: '图层',
  },
  overview: { persons: '登记人员', households: '住户', grids: '网格', openTasks: '待办任务', openAlerts: '未处理预警', newInRange: '区间新增' },
  chart: { registered: '新登记', total: '合计' },
  national: { none: '未配置数据源', note: '全国数据接入后在此显示；当前不显示任何估算数字。' },
  range: { from: '开始', to: '结束', last7: '近7天', last14: '近14天', last30: '近30天', all: '全部', label: '时间范围' },
  layer: { choropleth: '辖区分级', heatmap: '热力蜂窝', heatpoints: '个案热力', households: '住户', tasks: '任务' },
  metric: { label: '着色指标', active: '在管（观察+疑似+确诊）', confirmed: '确诊', suspected: '疑似', watching: '医学观察' },
  legend: { basemap: '底图', heatpoints: '核密度（加权）', suppressed: '人数过少已隐藏', heat: '加权人数/平方公里', none: '0', tasksOpen: '待办任务', tasksDone: '已完成任务', household: '住户' },
  tooltip: { total: '人员合计', count: '人数', weight: '权重', density: '密度（/平方公里）', suppressed: '少于 {k} 人，不显示具体数字', clickDrill: '点击下钻' },
  live: {
    connected: '已连接', connecting: '连接中…', offline: '连接中断，正在重连', empty: '等待实时事件…',
    report: '新上报（{kind}）', status: '状态变更：{from} → {to}', statusNew: '新登记：{to}', task_created: '新任务：{kind}', task_done: '任务完成：{kind}', alert: '预警：{kind}', import: '批量导入 {n} 人（{statuses}）', listSep: '、',
    grid: '网格 {id}', times: '×{n}', severalGrids: '多个网格',
  },
  person: {
    name: '姓名', sex: '性别', age: '年龄', idNumber: '证件号', phone: '电话', address: '住址', status: '状态', grid: '网格',
    source: '来源', registered: '登记时间', observation: '观察期', history: '变更记录', masked: '个人信息已按权限脱敏',
    search: '姓名 / 完整证件号 / 手机号', filter: '筛选', detail: '人员详情', notFound: '未找到该人员',
    male: '男', female: '女', emergencyPhone: '紧急联系人电话', nativePlace: '籍贯', infectionRoute: '感染途径', observationPlace: '观察地点',
    conditions: '症状', mode: '观察方式', home: '居家', centralized: '集中',
    event: { created: '登记', edit: '修改', status: '状态变更', reveal: '查看明文' }, by: '操作人', reason: '原因', changes: '改动',
  },
  alerts: {
    title: '未处理预警', acknowledge: '确认', none: '没有未处理的预警', more: '另有 {n} 条未显示', attempts: '一小时内 {n} 次',
    source: { doctor: '医生检查', self_report: '居民自报', checkpoint: '卡口测温', verification: '入户核实' },
  },
  breadcrumb: { root: '全部辖区' },
  clock: { updated: '更新于 {t}' },
};
