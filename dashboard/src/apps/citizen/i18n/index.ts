// The citizens' app's i18n: its own words over the shared vocabulary; Vant's words follow the language.
import { createAppI18n, onLocale } from '@shared/i18n';
import { setVantLocale } from '@shared/vant';
import en from './en';
import zh from './zh-CN';

export const i18n = createAppI18n({ 'zh-CN': zh, en }, { 'zh-CN': zh.app.title, en: en.app.title });
onLocale(setVantLocale);
