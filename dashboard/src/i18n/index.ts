// vue-i18n: zh-CN by default, English on request; the choice is remembered in localStorage.
import { createI18n } from 'vue-i18n';
import en from './en';
import zh from './zh-CN';

export type Locale = 'zh-CN' | 'en';
const saved = localStorage.getItem('gec.lang');
const initial: Locale = saved === 'en' ? 'en' : 'zh-CN';

export const i18n = createI18n({
  legacy: false,
  locale: initial,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});
document.documentElement.lang = initial;
document.title = (initial === 'en' ? en : zh).app.title;

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem('gec.lang', locale);
  document.documentElement.lang = locale;
  document.title = (locale === 'en' ? en : zh).app.title;
}
