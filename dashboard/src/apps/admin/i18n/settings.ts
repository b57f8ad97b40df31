// Words of the admin console's settings screens, both languages side by side (merged in index.ts).
export default {
  'zh-CN': {
    menuSettings: { group: '系统设置', rules: '检查规则', options: '企业/学校申报选项', articles: '宣传与指引', overdue: '超期与解除', jobs: '定时任务' },
    settings: {
      save: '保存', saved: '已保存', reset: '还原', add: '添加', remove: '删除', edit: '编辑', cancel: '取消', unchanged: '没有改动',
      rules: {
        title: '检查规则', hint: '本辖区（租户）统一的检查规则：哪些人员需要上门检查、每天几次、几点，体温多少算发热。',
        statuses: '需检查的人员状态', checkTimes: '每日检查时间', addTime: '添加时间', feverThreshold: '发热阈值（℃）', timezone: '时区',
        carried: '观察天数 {days} 天、自报超期 {hours} 小时在「超期与解除」中设置。',
        preview: '按当前编辑的规则，现在运行一次将会', previewDay: '今天（{day}）', slotsToday: '今日检查任务', persons: '涉及人员', wouldCreate: '新建任务', wouldCancel: '取消任务',
        previewError: '规则有误，无法预览', previewing: '计算中…',
        status: { watching: '医学观察', suspected: '疑似', confirmed: '确诊', cured: '治愈', released: '解除隔离' },
      },
      options: {
        title: '企业/学校申报选项', hint: '市民填写企业/学校返岗返校申报时可选的学校、年级和班级；学校为空时不限学校。',
        schools: '学校', grades: '年级', classes: '班级', placeholder: '输入名称后回车', empty: '（未设置，不限）', duplicate: '“{name}”已存在',
      },
      articles: {
        title: '宣传与指引', create: '新建', kind: { guide: '自查指引', publicity: '防疫宣传', news: '新闻' },
        all: '全部状态', status: { draft: '草稿', published: '已发布' }, colKind: '类别', colTitle: '标题', colStatus: '状态', colPublished: '发布时间', colUpdated: '更新时间', colAuthor: '作者',
        publish: '发布', unpublish: '撤回', published: '已发布', unpublished: '已撤回为草稿', saveDraft: '保存草稿', saveAndPublish: '保存并发布',
        editorNew: '新建内容', editorEdit: '编辑内容', body: '正文', url: '链接', urlHint: '自查指引为外部链接，如人民网发布的肺炎自查说明', empty: '暂无内容',
      },
      overdue: {
        title: '超期与解除', hint: '超过时限的任务在工作人员手机上标为超期；观察期满且期间无异常读数的人员进入解除隔离名单。',
        selfReportOverdueHours: '居民自报超期（小时）', outOfRange: '须为 {min}–{max} 之间的整数', selfReportHint: '已绑定的居家观察居民超过此时间未自报，为其网格员生成督促任务',
        referralDueHours: '转诊任务时限（小时）', referralHint: '检查异常后生成的转诊任务须在此时间内完成，否则标为超期',
        observationDays: '观察期（天）', observationHint: '未填写观察结束日期的人员按此天数观察；期满且无异常读数即可解除隔离',
      },
      jobs: {
        title: '定时任务', name: '任务', schedule: '计划', lastRun: '上次运行', result: '结果', rows: '影响行数', nextRun: '下次运行', action: '操作',
        runNow: '立即运行', running: '运行中', scheduledOnlyShort: '按计划运行', scheduledOnly: '全系统任务作用于所有单位，只按计划运行，不能由单位管理员启动', never: '尚未运行', perTenant: '本辖区', installation: '全系统', ranOk: '{name} 已运行：影响 {rows} 行', ranError: '{name} 运行出错：{message}', confirmRun: '立即运行“{name}”？', confirmAnonymise: '将立即匿名化解除隔离已满保留期限的人员的个人信息（姓名、证件号码、电话、住址、位置），此操作不可撤销。确定立即运行？', confirm: '立即运行', cancel: '取消',
        trigger: { schedule: '定时', manual: '手动' },
        statusName: { running: '运行中', ok: '成功', error: '出错', skipped: '跳过' },
        label: { 'check-tasks': '生成检查任务', 'self-report-overdue': '自报超期督促', housekeeping: '过期数据清理', anonymise: '个人信息到期匿名化' },
        desc: {
          'check-tasks': '按检查规则生成今日的上门检查任务，并取消不再需要检查人员的任务',
          'self-report-overdue': '为超期未自报的居民生成网格员督促任务',
          housekeeping: '清理过期的实时事件、幂等键和短信验证码（全系统）',
          anonymise: '解除隔离或误报结案满规定天数（默认 180 天）后删除个人信息，保留统计数据',
        },
        every: { 'check-tasks': '每小时第 5 分钟', 'self-report-overdue': '每 15 分钟', housekeeping: '每小时第 20 分钟', anonymise: '每天 03:40' },
      },
    },
  },
  en: {
    menuSettings: { group: 'Settings', rules: 'Check rules', options: 'Declaration options', articles: 'Guidance & news', overdue: 'Overdue & release', jobs: 'Scheduled jobs' },
    settings: {
      save: 'Save', saved: 'Saved', reset: 'Revert', add: 'Add', remove: 'Remove', edit: 'Edit', cancel: 'Cancel', unchanged: 'Nothing changed',
      rules: {
        title: 'Check rules', hint: 'One set of check rules for the tenant: who gets doctors\' check tasks, how many a day and when, and what temperature is a fever.',
        statuses: 'Statuses checked', checkTimes: 'Daily check times', addTime: 'Add a time', feverThreshold: 'Fever threshold (°C)', timezone: 'Time zone',
        carried: 'Observation of {days} days and the self-report window of {hours} hours are set under "Overdue & release".',
        preview: 'With the rules as edited, a run now would', previewDay: 'Today ({day})', slotsToday: 'Check tasks today', persons: 'Persons', wouldCreate: 'Create', wouldCancel: 'Cancel',
        previewError: 'The rules are not valid; no preview', previewing: 'Counting…',
        status: { watching: 'Under observation', suspected: 'Suspected', confirmed: 'Confirmed', cured: 'Cured', released: 'Released' },
      },
      options: {
        title: 'Enterprise/school declaration options', hint: 'Schools, grades and classes residents choose from in the return-to-work/school declaration; no schools means any school.',
        schools: 'Schools', grades: 'Grades', classes: 'Classes', placeholder: 'Type a name and press Enter', empty: '(none: any)', duplicate: '"{name}" is already there',
      },
      articles: {
        title: 'Guidance & news', create: 'New', kind: { guide: 'Self-check guides', publicity: 'Publicity', news: 'News' },
        all: 'Any status', status: { draft: 'Draft', published: 'Published' }, colKind: 'Kind', colTitle: 'Title', colStatus: 'Status', colPublished: 'Published', colUpdated: 'Updated', colAuthor: 'Author',
        publish: 'Publish', unpublish: 'Unpublish', published: 'Published', unpublished: 'Back to draft', saveDraft: 'Save draft', saveAndPublish: 'Save and publish',
        editorNew: 'New item', editorEdit: 'Edit item', body: 'Body', url: 'Link', urlHint: 'A self-check guide is a link to an authority\'s page', empty: 'Nothing yet',
      },
      overdue: {
        title: 'Overdue & release', hint: 'Tasks past their time are marked overdue on the staff\'s phones; persons whose observation ended without an abnormal reading join the release list.',
        selfReportOverdueHours: 'Self-report overdue after (hours)', outOfRange: 'A whole number from {min} to {max}', selfReportHint: 'A bound resident under observation without a self-report for this long gets a reminder task for their grid worker',
        referralDueHours: 'Referral deadline (hours)', referralHint: 'A referral after an abnormal reading is overdue after this long',
        observationDays: 'Observation (days)', observationHint: 'For persons without an observation end date; release is possible once it has passed without an abnormal reading',
      },
      jobs: {
        title: 'Scheduled jobs', name: 'Job', schedule: 'Schedule', lastRun: 'Last run', result: 'Result', rows: 'Rows', nextRun: 'Next run', action: '',
        runNow: 'Run now', running: 'Running', scheduledOnlyShort: 'On schedule', scheduledOnly: 'A job of the whole installation acts on every tenant: it runs on its schedule only, never started by a tenant\'s administrator', never: 'Never run', perTenant: 'This tenant', installation: 'Installation', ranOk: '{name} ran: {rows} rows', ranError: '{name} failed: {message}', confirmRun: 'Run “{name}” now?', confirmAnonymise: 'This anonymises at once the personal data (name, ID number, phones, address, position) of persons released longer ago than the retention period. It cannot be undone. Run it now?', confirm: 'Run now', cancel: 'Cancel',
        trigger: { schedule: 'scheduled', manual: 'by hand' },
        statusName: { running: 'Running', ok: 'OK', error: 'Error', skipped: 'Skipped' },
        label: { 'check-tasks': 'Check tasks', 'self-report-overdue': 'Overdue self-reports', housekeeping: 'Housekeeping', anonymise: 'Retention of personal data' },
        desc: {
          'check-tasks': 'Creates today\'s check tasks from the rules and cancels those of persons no longer checked',
          'self-report-overdue': 'Opens a reminder task for residents whose self-report is overdue',
          housekeeping: 'Purges expired live events, idempotency keys and SMS codes (whole installation)',
          anonymise: 'Removes personal data once a case has been released or closed for the set days (default 180), keeping the statistics',
        },
        every: { 'check-tasks': 'hourly at :05', 'self-report-overdue': 'every 15 minutes', housekeeping: 'hourly at :20', anonymise: 'daily at 03:40' },
      },
    },
  },
};
