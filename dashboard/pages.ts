// The front-end apps, one HTML entry each, and which URL paths each one answers (read by the Vite
// build and dev server, and by the API's static file server for client-side routes).
export interface AppPage {
  name: string;
  html: string;
  /** Path prefixes the app's router owns. */
  prefixes: string[];
}

export const APP_PAGES: AppPage[] = [
  { name: 'signin', html: 'index.html', prefixes: ['/login'] },
  { name: 'command', html: 'command.html', prefixes: ['/command', '/m', '/persons'] },
  { name: 'field', html: 'field.html', prefixes: ['/field'] },
  { name: 'admin', html: 'admin.html', prefixes: ['/admin'] },
];

const owns = (prefix: string, path: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The HTML file that answers a client-side route; the sign-in page for / and anything unknown. */
export function pageFor(path: string): string {
  return APP_PAGES.find((p) => p.prefixes.some((prefix) => owns(prefix, path)))?.html ?? 'index.html';
}
