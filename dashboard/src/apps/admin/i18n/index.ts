// The admin console's i18n: its own words over the shared vocabulary.
import { createAppI18n } from '@shared/i18n';
import en from './en';
import zh from './zh-CN';

export const i18n = createAppI18n({ 'zh-CN': zh, en }, { 'zh-CN': zh.app.title, en: en.app.title });
