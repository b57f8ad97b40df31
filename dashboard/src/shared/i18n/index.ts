// vue-i18n for every app: zh-CN by default, English on request, the choice remembered in
// localStorage (shared by the apps). Each app adds its own words to the shared vocabulary.
import { createI18n } from 'vue-i18n';
import en from './en';
import zh from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export type SharedMessages = typeof zh;

const STORAGE_KEY = 'gec.lang';
let titles: Record<Locale, string> = { 'zh-CN': zh.apps.signin, en: en.apps.signin };
let instance: ReturnType<typeof build> | undefined;
const listeners: ((locale: Locale) => void)[] = [];

type Tree = { [key: string]: unknown };
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The app's words over the shared ones, merged at every level (an app may add to `common`). */
function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isTree(v) && isTree(out[k]) ? merge(out[k] as Tree, v) : v;
  return out;
}

function build<A extends object>(app: { 'zh-CN': A; en: A }, initial: Locale) {
  const messages: Record<string, Tree> = { 'zh-CN': merge(zh, app['zh-CN'] as Tree), en: merge(en, app.en as Tree) };
  return createI18n({ legacy: false, locale: initial, fallbackLocale: 'zh-CN', messages: messages as never });
}

export function savedLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

/**
 * The i18n plugin of an app: its own messages over the shared ones,
 * and the document title the app goes by in each language.
 */
export function createAppI18n<A extends object>(app: { 'zh-CN': A; en: A }, title: Record<Locale, string>) {
  const initial = savedLocale();
  titles = title;
  instance = build(app, initial);
  applyDocument(initial);
  return instance;
}

function applyDocument(locale: Locale): void {
  document.documentElement.lang = locale;
  document.title = titles[locale];
  listeners.forEach((f) => f(locale));
}

/** Runs `f` now and on every change of language (for a UI library's own words). */
export function onLocale(f: (locale: Locale) => void): void {
  listeners.push(f);
  f(savedLocale());
}

export function setLocale(locale: Locale): void {
  if (instance) (instance.global.locale as unknown as { value: string }).value = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice lasts for this page only
  }
  applyDocument(locale);
}
