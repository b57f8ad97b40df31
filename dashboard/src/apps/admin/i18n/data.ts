// Words of the admin console's data screens, both languages side by side (merged in index.ts).
export default {
  'zh-CN': {
    menuData: { group: '数据导入导出', persons: '人员数据' },
    data: {
      title: '人员数据导入与导出',
      template: {
        title: '1. 下载模板', hint: '模板含《疫情防控数据》全部字段：带 * 为必填，编码字段有下拉选项，证件号码和电话列为文本格式；第二页为逐项填写说明和示例。',
        download: '下载导入模板',
      },
      upload: {
        title: '2. 上传并导入', hint: '仅导入您辖区内的人员：位置或所属户不在辖区内、证件号码重复或已登记的行都会报错。',
        choose: '选择 Excel 文件', chosen: '已选择：{name}', none: '未选择文件', mode: '导入方式',
        allOrNothing: '全部正确才导入', allOrNothingHint: '任何一行有错误则不写入任何数据',
        validRows: '只导入正确的行', validRowsHint: '正确的行写入，错误的行列入错误报告',
        start: '开始导入', uploading: '上传中…', failed: '上传失败：{message}',
      },
      progress: {
        title: '3. 导入进度与结果', idle: '尚未开始导入',
        phase: { reading: '逐批读取、校验、定位、查重', writing: '写入人员库与错误报告', finished: '完成' },
        read: '已读取行数', valid: '正确', invalid: '错误', written: '已写入',
        done: '导入完成：写入 {written} 人', rejected: '有 {invalid} 行错误，按“全部正确才导入”未写入任何数据；请下载错误报告修改后重新上传。',
        partial: '已写入 {written} 人，{invalid} 行有错误未导入；可下载错误报告修改后重新上传这些行。',
        failed: '导入失败：{error}', errors: '下载错误报告',
      },
      history: { title: '最近的导入', file: '文件', mode: '方式', status: '状态', time: '时间', statuses: { running: '进行中', done: '已完成', failed: '失败' } },
      export: {
        title: '4. 导出', hint: '导出您辖区内的数据；没有“查看完整个人信息”权限时，证件号码、电话和住址已脱敏。每次导出均记入审计日志；距上次确认身份超过 10 分钟时，须重新输入密码（及动态验证码）。',
        status: '人员状态', source: '报送来源', dates: '登记日期', from: '开始日期', to: '结束日期', all: '全部',
        persons: '导出人员', reports: '导出上报记录', failed: '导出失败：{message}',
        statuses: { watching: '医学观察', suspected: '疑似', confirmed: '确诊', cured: '治愈', dead: '死亡', released: '解除隔离', closed: '排除结案' },
      },
    },
  },
  en: {
    menuData: { group: 'Data import & export', persons: 'Person data' },
    data: {
      title: 'Person data: import and export',
      template: {
        title: '1. Download the template', hint: 'All fields of the epidemic data (§5.1): required ones marked *, coded fields with dropdowns, ID number and phone columns as text; the second sheet explains every field with an example.',
        download: 'Download import template',
      },
      upload: {
        title: '2. Upload and import', hint: 'Only persons in your jurisdiction are imported: rows placed outside it, duplicate or already registered ID numbers are errors.',
        choose: 'Choose an Excel file', chosen: 'Chosen: {name}', none: 'No file chosen', mode: 'Mode',
        allOrNothing: 'All or nothing', allOrNothingHint: 'Nothing is written if any row has an error',
        validRows: 'Valid rows only', validRowsHint: 'Valid rows are written, the others go to the error report',
        start: 'Start import', uploading: 'Uploading…', failed: 'Upload failed: {message}',
      },
      progress: {
        title: '3. Progress and result', idle: 'No import started yet',
        phase: { reading: 'Reading, checking, placing each batch', writing: 'Writing the register and the error report', finished: 'Done' },
        read: 'Rows read', valid: 'Valid', invalid: 'Invalid', written: 'Written',
        done: 'Import done: {written} persons written', rejected: '{invalid} rows have errors; in all-or-nothing mode nothing was written. Download the error report, fix the rows and upload again.',
        partial: '{written} persons written; {invalid} rows with errors were not imported. Download the error report to fix them.',
        failed: 'Import failed: {error}', errors: 'Download error report',
      },
      history: { title: 'Recent imports', file: 'File', mode: 'Mode', status: 'Status', time: 'Time', statuses: { running: 'Running', done: 'Done', failed: 'Failed' } },
      export: {
        title: '4. Export', hint: 'Exports the data of your jurisdiction; without the reveal permission ID numbers, phones and addresses are masked. Every export is audited; more than 10 minutes after your last confirmation of who you are, it asks for your password (and code) again.',
        status: 'Status', source: 'Source', dates: 'Registered', from: 'From', to: 'To', all: 'All',
        persons: 'Export persons', reports: 'Export reports', failed: 'Export failed: {message}',
        statuses: { watching: 'Watching', suspected: 'Suspected', confirmed: 'Confirmed', cured: 'Cured', dead: 'Dead', released: 'Released', closed: 'Closed' },
      },
    },
  },
};
