// Words of the admin console's settings screens, both languages side by side (merged in index.ts).
export default {
  'zh-CN': {},
  en: {},
};
