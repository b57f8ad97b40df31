// The admin console's i18n: its own words over the shared vocabulary. Each group of screens keeps
// its words in a file of its own (org, data, settings, account), merged here.
import { createAppI18n } from '@shared/i18n';
import account from './account';
import data from './data';
import en from './en';
import org from './org';
import settings from './settings';
import zh from './zh-CN';

const parts = [org, data, settings, account];
const zhAll = Object.assign({}, zh, ...parts.map((p) => p['zh-CN'])) as typeof zh;
const enAll = Object.assign({}, en, ...parts.map((p) => p.en)) as typeof en;

export const i18n = createAppI18n({ 'zh-CN': zhAll, en: enAll }, { 'zh-CN': zh.app.title, en: en.app.title });
