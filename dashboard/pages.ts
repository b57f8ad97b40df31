// The front-end apps, one HTML entry each, and which URL paths each one answers (read by the Vite
// build and dev server, and by the API's static file server for client-side routes).
export interface AppPage {
  name: string;
  html: string;
  /** Path prefixes the app's router owns. */
  prefixes: string[];
  /**
   * API answers the first screen of some of its paths needs: the server adds `<link rel=preload>`
   * for them to the page (api/src/http/static.ts), so the browser asks for them while the code
   * downloads, and the app's own request for the same URL takes the preloaded answer.
   */
  preload?: { paths: RegExp; urls: string[] };
  /**
   * Apps of one group (the phones' Vant apps) share a start-up chunk of their own, `<group>-boot`,
   * for what only they load: the other apps never download it (vite.config.ts bootChunks).
   */
  bootGroup?: string;
}

/** The field app's task list (its home): who is signed in and their open tasks, newest first. */
export const FIELD_FIRST_SCREEN = {
  paths: /^\/field\/?(tasks\/?)?$/,
  me: '/api/auth/me',
  tasks: '/api/tasks?mine=true&state=open&pageSize=100',
} as const;

export const APP_PAGES: AppPage[] = [
  { name: 'signin', html: 'index.html', prefixes: ['/login'] },
  { name: 'command', html: 'command.html', prefixes: ['/command', '/m', '/persons'] },
  {
    name: 'field', html: 'field.html', prefixes: ['/field'], bootGroup: 'phone',
    preload: { paths: FIELD_FIRST_SCREEN.paths, urls: [FIELD_FIRST_SCREEN.me, FIELD_FIRST_SCREEN.tasks] },
  },
  { name: 'admin', html: 'admin.html', prefixes: ['/admin'] },
  // Residents' phones: sign-in with an SMS code, reports, self-reports, the pass.
  { name: 'citizen', html: 'citizen.html', prefixes: ['/c'], bootGroup: 'phone' },
];

const owns = (prefix: string, path: string) => path === prefix || path.startsWith(`${prefix}/`);

const appFor = (path: string) => APP_PAGES.find((p) => p.prefixes.some((prefix) => owns(prefix, path)));

/** The HTML file that answers a client-side route; the sign-in page for / and anything unknown. */
export function pageFor(path: string): string {
  return appFor(path)?.html ?? 'index.html';
}

/** The API URLs the page of this path preloads (see AppPage.preload). */
export function preloadsFor(path: string): string[] {
  const preload = appFor(path)?.preload;
  return preload && preload.paths.test(path) ? preload.urls : [];
}
