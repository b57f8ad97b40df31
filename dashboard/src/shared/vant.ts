// Vant's base styles and its words in the app's language (setVantLocale), for the phone apps (field, citizen).
// Each component's styles are imported beside its use by the build (vite.config.ts uiLibraryImports).
import { Locale } from 'vant';
import enUS from 'vant/es/locale/lang/en-US';
import zhCN from 'vant/es/locale/lang/zh-CN';
import 'vant/es/style/base.css';
import type { Locale as AppLocale } from '@shared/i18n';

export function setVantLocale(locale: AppLocale): void {
  if (locale === 'en') Locale.use('en-US', enUS);
  else Locale.use('zh-CN', zhCN);
}
