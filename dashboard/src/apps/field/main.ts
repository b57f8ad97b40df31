// Entry of the field app (/field): grid workers, community doctors and checkpoint staff on phones.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import { keepServiceWorker } from './offline/worker';
import '@shared/vant';
import '@shared/phone.css';
import './field.css';

createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');

// The service worker keeps the app's files on the phone, so a reload without network still opens
// the app and its outbox. Only in the built app (the dev server serves modules, not the bundle).
// After the page's load (its first screen comes first), or at once when that has already happened.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  const register = () => keepServiceWorker('/field/sw.js', '/field/');
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
