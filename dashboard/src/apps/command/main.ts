// Entry of the command center SPA.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import '@shared/theme-dark.css';

performance.mark('gec:app-start');
createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');
