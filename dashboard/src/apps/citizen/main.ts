// Entry of the citizens' app (/c): residents on their own phones, in any browser or WeChat's.
// No map and no charts: a resident's phone downloads forms, a QR image and Vant.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import '@shared/vant';
import '@shared/phone.css';
import './citizen.css';

createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');
