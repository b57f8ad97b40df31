// Entry of the staff sign-in page (/ and /login): small on purpose, it is every user's first download.
import { createApp } from 'vue';
import { createAppI18n } from '@shared/i18n';
import '@shared/theme-dark.css';
import SignInApp from './SignInApp.vue';

const i18n = createAppI18n({ 'zh-CN': {}, en: {} }, { 'zh-CN': '工作人员登录 · 网格化社区疫情防控系统', en: 'Staff sign-in · Grid Epidemic Control' });
createApp(SignInApp).use(i18n).mount('#app');
