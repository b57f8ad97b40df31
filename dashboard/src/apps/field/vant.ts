// The Vant components the field app uses: their styles, imported once (components are imported
// where they are used). Vant's own words follow the app's language (setVantLocale).
import { Locale } from 'vant';
import enUS from 'vant/es/locale/lang/en-US';
import zhCN from 'vant/es/locale/lang/zh-CN';
import 'vant/es/style/base.css';
import 'vant/es/action-sheet/style/index.mjs';
import 'vant/es/badge/style/index.mjs';
import 'vant/es/button/style/index.mjs';
import 'vant/es/calendar/style/index.mjs';
import 'vant/es/cell/style/index.mjs';
import 'vant/es/cell-group/style/index.mjs';
import 'vant/es/checkbox/style/index.mjs';
import 'vant/es/checkbox-group/style/index.mjs';
import 'vant/es/date-picker/style/index.mjs';
import 'vant/es/dialog/style/index.mjs';
import 'vant/es/empty/style/index.mjs';
import 'vant/es/field/style/index.mjs';
import 'vant/es/form/style/index.mjs';
import 'vant/es/icon/style/index.mjs';
import 'vant/es/list/style/index.mjs';
import 'vant/es/loading/style/index.mjs';
import 'vant/es/nav-bar/style/index.mjs';
import 'vant/es/notice-bar/style/index.mjs';
import 'vant/es/picker/style/index.mjs';
import 'vant/es/popup/style/index.mjs';
import 'vant/es/pull-refresh/style/index.mjs';
import 'vant/es/radio/style/index.mjs';
import 'vant/es/radio-group/style/index.mjs';
import 'vant/es/search/style/index.mjs';
import 'vant/es/stepper/style/index.mjs';
import 'vant/es/step/style/index.mjs';
import 'vant/es/steps/style/index.mjs';
import 'vant/es/switch/style/index.mjs';
import 'vant/es/tab/style/index.mjs';
import 'vant/es/tabbar/style/index.mjs';
import 'vant/es/tabbar-item/style/index.mjs';
import 'vant/es/tabs/style/index.mjs';
import 'vant/es/tag/style/index.mjs';
import 'vant/es/toast/style/index.mjs';
import 'vant/es/uploader/style/index.mjs';
import type { Locale as AppLocale } from '@shared/i18n';

export function setVantLocale(locale: AppLocale): void {
  if (locale === 'en') Locale.use('en-US', enUS);
  else Locale.use('zh-CN', zhCN);
}
