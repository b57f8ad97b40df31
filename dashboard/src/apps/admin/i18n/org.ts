// Words of the admin console's org screens, both languages side by side (merged in index.ts).
export default {
  'zh-CN': {
    menuOrg: { group: '组织与权限', departments: '部门', positions: '岗位', users: '用户', roles: '角色与权限', audit: '审计日志' },
    org: {
      common: { add: '新增', edit: '编辑', save: '保存', cancel: '取消', disable: '停用', enable: '启用', active: '启用中', disabled: '已停用', actions: '操作', name: '名称', none: '无', saved: '已保存', search: '搜索', all: '全部', ok: '知道了' },
      departments: { title: '部门', parent: '上级部门', top: '（顶级）', users: '用户数', positions: '岗位数', addChild: '新增下级' },
      positions: { title: '岗位', department: '所属部门', roles: '角色', users: '在岗人数' },
      users: {
        title: '用户', username: '用户名', displayName: '姓名', phone: '手机号', department: '部门', positions: '岗位', roles: '直接角色', scope: '管辖范围',
        status: '状态', statusName: { active: '正常', disabled: '已停用', locked: '已锁定' }, mustChange: '待改密',
        searchHint: '用户名、姓名或完整手机号', create: '新建用户', editTitle: '编辑用户', createTitle: '新建用户',
        resetPassword: '重置密码', unlock: '解锁', confirmDisable: '停用用户 {name}？其会话立即结束；用户不会被删除。',
        confirmReset: '重置 {name} 的密码？其会话立即结束，下次登录须修改密码。',
        tempPassword: '临时密码', tempPasswordHint: '请将临时密码告知 {name}；首次登录时必须修改。此密码只显示这一次。',
        phoneHint: '加密保存，列表中脱敏显示', scopeHint: '在辖区树上选择节点：用户可见该节点及其下级',
        template: '下载导入模板', import: 'Excel 导入',
      },
      import: {
        title: '从 Excel 导入用户', mode: '导入方式', allOrNothing: '全部成功才导入', validRows: '只导入正确的行',
        choose: '选择文件（.xlsx）', upload: '上传并导入', rows: '共 {rows} 行：正确 {valid} 行，错误 {invalid} 行，已导入 {imported} 行',
        nothing: '存在错误，按“全部成功才导入”未写入任何用户。请修改后重新上传，或改为“只导入正确的行”。',
        row: '行', column: '列', message: '问题', created: '已创建的用户及临时密码（只显示这一次）',
      },
      roles: {
        title: '角色与权限', code: '编码', builtin: '内置', custom: '自定义', duty: '三员', users: '用户数', permissions: '权限',
        dutyName: { system: '系统管理员', security: '安全管理员', audit: '审计管理员' },
        matrix: '权限矩阵', opens: '开放的接口', menus: '菜单与图层', denyDefault: '默认拒绝：未授予的权限对应的接口一律返回 403。',
        dutyLocked: '三员角色的权限固定，不可修改或停用（三员分立）', dutyPermission: '三员专属权限，只属于对应的内置角色',
        codeHint: '小写字母、数字和下划线，以字母开头', everyone: '所有已登录用户可用的接口',
      },
      audit: {
        title: '审计日志', at: '时间', user: '用户', action: '操作', object: '对象', ip: 'IP', result: '结果', detail: '详情',
        readOnly: '审计记录只读：任何人（含数据库所有者）都不能修改或删除；保留至少 180 天。', from: '起', to: '止',
      },
    },
  },
  en: {
    menuOrg: { group: 'Organisation', departments: 'Departments', positions: 'Positions', users: 'Users', roles: 'Roles & permissions', audit: 'Audit log' },
    org: {
      common: { add: 'Add', edit: 'Edit', save: 'Save', cancel: 'Cancel', disable: 'Disable', enable: 'Enable', active: 'Active', disabled: 'Disabled', actions: 'Actions', name: 'Name', none: 'None', saved: 'Saved', search: 'Search', all: 'All', ok: 'OK' },
      departments: { title: 'Departments', parent: 'Parent', top: '(top level)', users: 'Users', positions: 'Positions', addChild: 'Add child' },
      positions: { title: 'Positions', department: 'Department', roles: 'Roles', users: 'Holders' },
      users: {
        title: 'Users', username: 'Username', displayName: 'Name', phone: 'Phone', department: 'Department', positions: 'Positions', roles: 'Direct roles', scope: 'Jurisdiction',
        status: 'Status', statusName: { active: 'Active', disabled: 'Disabled', locked: 'Locked' }, mustChange: 'Must change password',
        searchHint: 'Username, name or whole phone number', create: 'New user', editTitle: 'Edit user', createTitle: 'New user',
        resetPassword: 'Reset password', unlock: 'Unlock', confirmDisable: 'Disable {name}? Their sessions end now; the user is not deleted.',
        confirmReset: 'Reset the password of {name}? Their sessions end and they must change it at next sign-in.',
        tempPassword: 'Temporary password', tempPasswordHint: 'Give this temporary password to {name}; it must be changed at first sign-in. It is shown only once.',
        phoneHint: 'Stored encrypted, shown masked', scopeHint: 'Pick a node on the jurisdiction tree: the user sees it and everything under it',
        template: 'Download template', import: 'Import from Excel',
      },
      import: {
        title: 'Import users from Excel', mode: 'Mode', allOrNothing: 'All or nothing', validRows: 'Import the valid rows',
        choose: 'Choose a file (.xlsx)', upload: 'Upload and import', rows: '{rows} rows: {valid} valid, {invalid} with errors, {imported} imported',
        nothing: 'There are errors: in all-or-nothing mode no user was written. Fix the file and upload again, or import the valid rows.',
        row: 'Row', column: 'Column', message: 'Problem', created: 'Created users and temporary passwords (shown only once)',
      },
      roles: {
        title: 'Roles & permissions', code: 'Code', builtin: 'Built-in', custom: 'Custom', duty: 'Duty', users: 'Users', permissions: 'Permissions',
        dutyName: { system: 'System administrator', security: 'Security administrator', audit: 'Audit administrator' },
        matrix: 'Permission matrix', opens: 'API it opens', menus: 'Menus and layers', denyDefault: 'Deny by default: the API of a permission not granted answers 403.',
        dutyLocked: 'The three administrator roles are fixed: their permissions cannot change and they cannot be disabled (separation of duties)',
        dutyPermission: 'A duty permission: it belongs to its built-in role only',
        codeHint: 'Lower-case letters, digits and _, starting with a letter', everyone: 'API every signed-in user reaches',
      },
      audit: {
        title: 'Audit log', at: 'Time', user: 'User', action: 'Action', object: 'Object', ip: 'IP', result: 'Result', detail: 'Detail',
        readOnly: 'Audit records are read-only: nobody (the database owner included) can change or delete them; kept at least 180 days.', from: 'From', to: 'To',
      },
    },
  },
};
