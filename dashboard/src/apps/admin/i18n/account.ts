// Words of the admin console's account security: the second factor, its set-up, the
// re-authentication dialog (merged in index.ts, shallowly: top-level keys of their own).
const zh = {
  security: {
    title: '账号安全',
    mustEnrol: '您的账号具有管理员权限，按本单位安全策略必须先开启动态验证码（两步验证），开启后才能使用管理后台的其他功能。',
    totp: {
      title: '动态验证码（两步验证）', on: '已开启', off: '未开启',
      about: '开启后，登录以及导出数据、分配角色、查看完整证件号码等敏感操作，除密码外还须输入手机身份验证器应用（如 Microsoft Authenticator、Google 身份验证器、FreeOTP）中每 30 秒变化一次的 6 位数字。',
      steps: { password: '确认密码', scan: '绑定验证器', done: '完成' },
      start: '开启动态验证码', password: '当前登录密码', next: '下一步',
      scan: '用身份验证器应用扫描二维码：', manual: '无法扫码时，在应用中选择“手动输入密钥”，填写下面的密钥（基于时间，6 位，30 秒）：',
      copy: '复制密钥', copied: '已复制', code: '应用中显示的 6 位数字', enable: '验证并开启', cancel: '取消',
      enabled: '动态验证码已开启。下次登录时请输入验证器中的 6 位数字。',
      onNote: '登录和敏感操作时需输入身份验证器中的 6 位数字。更换手机前，请先停用再在新手机上重新开启；手机丢失时请联系系统管理员重置。',
      requiredNote: '按本单位安全策略，管理员必须使用动态验证码，不能停用；更换手机时请其他系统管理员重置。', disable: '停用动态验证码', disableTitle: '停用动态验证码', disableWhy: '停用后，登录只需密码。请输入密码和当前的 6 位数字确认。', disabled: '动态验证码已停用',
    },
    stepUp: {
      title: '身份确认', about: '导出数据、分配角色、导入用户、查看完整证件号码等敏感操作，须在最近 10 分钟内确认过身份（登录也算一次）。',
      until: '当前确认有效至 {time}', expired: '确认已过期：下次进行敏感操作时会要求重新输入密码',
    },
  },
  stepUp: {
    title: '请确认身份', why: '此操作涉及敏感数据或权限，需要重新确认您的身份。', password: '登录密码', code: '身份验证器中的 6 位数字',
    confirm: '确认并继续', cancel: '取消',
  },
};

const en: typeof zh = {
  security: {
    title: 'Account security',
    mustEnrol: 'Your account holds administrator rights: the security policy requires a second factor (two-step verification) before the rest of the admin console can be used.',
    totp: {
      title: 'Second factor (two-step verification)', on: 'On', off: 'Off',
      about: 'With it on, signing in and sensitive actions (exports, role assignments, full ID numbers) need, besides the password, the 6-digit code that an authenticator app on your phone (Microsoft Authenticator, Google Authenticator, FreeOTP…) shows and changes every 30 seconds.',
      steps: { password: 'Confirm password', scan: 'Link the app', done: 'Done' },
      start: 'Turn on the second factor', password: 'Your password', next: 'Next',
      scan: 'Scan the QR code with your authenticator app:', manual: 'If you cannot scan it, choose "enter a setup key" in the app and type this key (time-based, 6 digits, 30 seconds):',
      copy: 'Copy key', copied: 'Copied', code: 'The 6-digit code the app shows', enable: 'Verify and turn on', cancel: 'Cancel',
      enabled: 'The second factor is on. At your next sign-in, enter the 6-digit code from the app.',
      onNote: 'Signing in and sensitive actions ask for the 6-digit code from your authenticator app. Before changing phones, turn it off and on again on the new phone; if the phone is lost, ask a system administrator to reset it.',
      requiredNote: 'The security policy requires a second factor of administrators: it cannot be turned off; for a new phone, ask another system administrator to reset it.', disable: 'Turn off the second factor', disableTitle: 'Turn off the second factor', disableWhy: 'Signing in will need the password only. Confirm with your password and the current 6-digit code.', disabled: 'The second factor is off',
    },
    stepUp: {
      title: 'Re-authentication', about: 'Exports, role assignments, user imports and full ID numbers need a confirmation of who you are within the last 10 minutes (signing in counts as one).',
      until: 'Confirmed until {time}', expired: 'Expired: the next sensitive action will ask for your password again',
    },
  },
  stepUp: {
    title: 'Confirm it is you', why: 'This action touches sensitive data or rights: please confirm who you are again.', password: 'Password', code: '6-digit code from your authenticator app',
    confirm: 'Confirm and continue', cancel: 'Cancel',
  },
};

export default { 'zh-CN': zh, en };
