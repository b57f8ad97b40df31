// Cross-site request forgery: a page on another site can make the browser send a form POST with
// this site's session cookie (SameSite=Lax stops most, not all: same-site subdomains, old
// browsers). Every state-changing request that is not authenticated by a bearer header must come
// from this site's own pages, as the browser itself says: Sec-Fetch-Site, else Origin. Clients that
// send neither (scripts, curl) are not browsers and carry no ambient cookie to abuse.
import type Koa from 'koa';
import { AppError } from './errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the browser's own headers say the request comes from another site. */
export function isCrossSite(method: string, headers: { fetchSite?: string; origin?: string; authorization?: string }, ownOrigins: string | string[]): boolean {
  if (SAFE.has(method) || headers.authorization?.startsWith('Bearer ')) return false;
  // Vite's dev server proxies /api, so its pages' Origin differs from the API's while the browser
  // still says same-origin: Sec-Fetch-Site decides when present
  if (headers.fetchSite) return headers.fetchSite !== 'same-origin' && headers.fetchSite !== 'none';
  if (headers.origin) return !(Array.isArray(ownOrigins) ? ownOrigins : [ownOrigins]).includes(headers.origin.toLowerCase());
  return false;
}

/**
 * `publicOrigins`: where the site's pages are served from when the request does not say it (a
 * reverse proxy that rewrites Host and is not a trusted proxy; config PUBLIC_ORIGINS).
 */
export function sameSiteWrites(publicOrigins: string[] = []): Koa.Middleware {
  return async (ctx, next) => {
    const headers = { fetchSite: ctx.get('sec-fetch-site') || undefined, origin: ctx.get('origin') || undefined, authorization: ctx.get('authorization') || undefined };
    // this site as the browser names it (Koa's ctx.origin is the request's Origin header itself);
    // behind a trusted proxy, Koa's protocol and host are the forwarded ones
    if (isCrossSite(ctx.method, headers, [`${ctx.protocol}://${ctx.host}`.toLowerCase(), ...publicOrigins])) {
      throw new AppError(403, 'cross_site_request', 'a request that changes data must come from this site\'s own pages');
    }
    await next();
  };
}
