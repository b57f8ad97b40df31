// Entry of the staff sign-in page (/ and /login): small on purpose, it is every user's first download.
import { createApp } from 'vue';
import { createAppI18n } from '@shared/i18n';
import '@shared/theme-dark.css';
import SignInApp from './SignInApp.vue';

// The first sign-in's password change (a new, imported or reset account has a temporary password)
// and the authenticator code of an account with a second factor.
const words = {
  'zh-CN': {
    change: {
      title: '首次登录请修改密码', why: '您正在使用临时密码。设置新密码后才能继续使用系统。', current: '当前（临时）密码', next: '新密码', again: '再次输入新密码',
      policy: '至少 8 位，包含大写字母、小写字母、数字、符号中的 3 类；不能与临时密码相同', submit: '修改密码并继续', busy: '正在保存…',
      mismatch: '两次输入的新密码不一致', failed: '修改失败：{msg}',
    },
    totp: {
      title: '两步验证', why: '账号 {user} 已开启动态验证码。请打开手机上的身份验证器应用，输入其中显示的 6 位数字。', code: '6 位动态验证码',
      submit: '验证并登录', back: '换个账号登录',
    },
  },
  en: {
    change: {
      title: 'Set your password', why: 'You signed in with a temporary password. Set a new one to continue.', current: 'Current (temporary) password', next: 'New password', again: 'New password again',
      policy: 'At least 8 characters with 3 of: upper-case, lower-case, digits, symbols; not the temporary one', submit: 'Change password and continue', busy: 'Saving…',
      mismatch: 'The two new passwords differ', failed: 'Change failed: {msg}',
    },
    totp: {
      title: 'Two-step verification', why: 'The account {user} has a second factor. Open the authenticator app on your phone and enter the 6-digit code it shows.', code: '6-digit code',
      submit: 'Verify and sign in', back: 'Sign in with another account',
    },
  },
};
const i18n = createAppI18n(words, { 'zh-CN': '工作人员登录 · 网格化社区疫情防控系统', en: 'Staff sign-in · Grid Epidemic Control' });
createApp(SignInApp).use(i18n).mount('#app');
