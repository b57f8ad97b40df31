// The citizens' app's own words, Simplified Chinese (default); shared words are in shared/i18n.
export default {
  app: { title: '居民服务 · 疫情防控', name: '居民服务' },
  signIn: {
    title: '居民登录', intro: '使用手机号和短信验证码登录，无需注册', tenant: '城市代码', tenantHint: '如 demo（见社区张贴的二维码或通知）',
    phone: '手机号', code: '验证码', getCode: '获取验证码', resend: '{s} 秒后重发', tooSoon: '获取验证码过于频繁，请 {s} 秒后再试', sent: '验证码已发送，5 分钟内有效', submit: '登录', busy: '正在登录…',
    needTenant: '请填写城市代码（小写字母开头）', needPhone: '请填写 11 位手机号', needCode: '请填写 6 位验证码', staff: '工作人员登录',
  },
  home: {
    signedIn: '已登录', bound: '已绑定身份', notBound: '未绑定身份', bindHint: '隔离观察人员绑定身份后可每日健康上报', bindNow: '去绑定',
    report: '举报疑似/密接', selfReport: '每日健康上报', pass: '电子通行证', reports: '我的上报', declare: '企业/学校申报', guidance: '防疫指南与新闻',
    noArticles: '暂无发布的内容', logout: '退出登录', city: '城市：{c}',
  },
  report: {
    title: '举报疑似/密接', kind: '类型', citizen: '疑似病例', closeContact: '密切接触者', subjectName: '姓名', subjectPhone: '联系电话', optional: '选填',
    symptoms: '症状', temperature: '体温', description: '情况说明', descriptionHint: '例如：连续两天发热咳嗽', address: '详细地址', addressHint: '小区、楼栋、单元、门牌号',
    location: '所在位置', locating: '正在定位…', located: '已定位（精度约 {m} 米）', noLocation: '无法获取定位，请手动填写坐标', manual: '手动填写坐标', lon: '经度', lat: '纬度',
    submit: '提交举报', needName: '请填写姓名', needAddress: '请填写详细地址', needLocation: '请先定位或填写坐标', badTemperature: '体温须在 34–43 ℃ 之间',
    privacy: '您提供的信息仅用于疫情核实，将由所在网格的网格员上门核实',
  },
  reports: { title: '我的上报', empty: '还没有上报记录', submitted: '已提交，网格员将尽快上门核实', at: '提交时间', grid: '所属网格', state: '处理状态', back: '返回首页', list: '查看全部上报' },
  reportState: { open: '待核实', closed: '已结案（经核实情况有误）', registered: '已核实，纳入观察', referred: '已转送定点医院' },
  bind: {
    title: '身份绑定', intro: '隔离观察人员请填写登记时的姓名和身份证号；须与当前登录的手机号一致', name: '姓名', idNumber: '身份证号', submit: '绑定',
    done: '绑定成功', needName: '请填写姓名', needId: '请填写身份证号',
  },
  health: {
    title: '每日健康上报', notBound: '每日健康上报仅供隔离观察人员使用，请先绑定身份', bindNow: '去绑定身份', temperature: '体温', symptoms: '症状',
    description: '其他情况', submit: '提交今日上报', normal: '已记录：体温和症状正常', abnormal: '已记录：有异常，社区医生将尽快联系您', feverLine: '本地体温达到 {threshold} ℃ 即按发热处理', history: '上报记录', empty: '还没有上报记录',
    flagged: '异常',
  },
  pass: {
    title: '电子通行证', intro: '申领后，出入小区和商超时出示二维码', name: '姓名', idNumber: '身份证号', register: '申领通行证', holder: '持证人', id: '证件号',
    expiresIn: '二维码 {t} 后自动刷新', refreshing: '正在刷新…', refresh: '刷新二维码', issued: '申领时间', reRegister: '重新申领', qrAlt: '通行证二维码',
    needName: '请填写姓名', needId: '请填写身份证号',
  },
  declare: {
    title: '企业/学校申报', intro: '单位为返校返岗人员申报；提交后由所在网格核实', name: '姓名', sex: '性别', male: '男', female: '女', idNumber: '身份证号',
    hubeiHistory: '有湖北旅居史', hubeiHistoryRecent: '1月17日后有湖北旅居史', nativePlace: '籍贯', schoolName: '学校/单位', grade: '年级', className: '班级',
    plannedReturnDate: '返回日期', returnTransport: '返回方式', address: '现住址', submit: '提交申报', choose: '请选择',
    needSex: '请选择性别', classNumber: '{n}班',
    // Chinese shows the grades as the tenant lists them; en.ts names the default ones.
    grades: {} as Record<string, string>,
    transport: { plane: '飞机', train: '火车', coach: '客车', car: '自驾', ship: '轮船', other: '其他' },
  },
  symptom: { fever: '发热', cough: '咳嗽', fatigue: '乏力', shortBreath: '气促', none: '无症状' },
  articleKind: { guide: '指南', publicity: '宣传', news: '新闻' },
  article: { title: '防疫指南', open: '打开原文' },
  common: { submit: '提交', back: '返回', required: '必填', unknown: '—', retry: '重试', offline: '网络不可用，请检查网络后重试' },
};
