// Entry of the admin console (/admin): boundaries today; organisation, imports and settings follow.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import 'element-plus/theme-chalk/base.css';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import './admin.css';

createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');
