// Words of the admin console's data screens, both languages side by side (merged in index.ts).
export default {
  'zh-CN': {},
  en: {},
};
