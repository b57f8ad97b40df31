// Words of the admin console's org screens, both languages side by side (merged in index.ts).
export default {
  'zh-CN': {},
  en: {},
};
