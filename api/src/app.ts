// Builds the Koa application (no listen: tests drive it directly).
import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { auditRoutes } from './audit/routes.ts';
import { authRoutes, sessionMiddleware } from './auth/routes.ts';
import { boundaryRoutes } from './boundaries/routes.ts';
import { checkpointRoutes } from './checkpoints/routes.ts';
import { checkRoutes } from './checks/routes.ts';
import { citizenRoutes } from './citizens/routes.ts';
import { contentRoutes } from './content/routes.ts';
import { ogcRoutes } from './ogc/routes.ts';
import { organisationRoutes } from './organisation/routes.ts';
import { liveRoutes } from './live/routes.ts';
import { mapRoutes } from './map/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { taskRoutes } from './tasks/routes.ts';
import { tileRoutes } from './tiles/routes.ts';
import type { AppContext } from './context.ts';
import { healthRoutes } from './health/routes.ts';
import { householdRoutes } from './households/routes.ts';
import { jobRoutes } from './jobs/routes.ts';
import { clientAddress } from './http/client-ip.ts';
import { sameSiteWrites } from './http/csrf.ts';
import { AppError, errorBoundary } from './http/errors.ts';
import { Routes } from './http/route.ts';
import { staticFiles } from './http/static.ts';
import { jurisdictionRoutes } from './jurisdictions/routes.ts';
import { personRoutes } from './persons/routes.ts';
import { COLUMNS } from './person-data/columns.ts';
import { addFieldLabels } from './http/field-labels.ts';
import { passRoutes } from './passes/routes.ts';
import { statsRoutes } from './stats/routes.ts';

/**
 * Scripts only from this origin, never inline (the built apps have none; Swagger UI's start is a
 * file); styles may be inline because Element Plus and Vant set style attributes; MapLibre runs
 * its workers from blob: URLs and draws tiles from blob: images. Not framed anywhere.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'", "base-uri 'self'",
  "form-action 'self'", "frame-ancestors 'none'",
].join('; ');
/** The phone apps use the location and the camera (photos, pass QR codes) of this origin only. */
const PERMISSIONS_POLICY = 'geolocation=(self), camera=(self), microphone=(), payment=(), usb=()';

function securityHeaders(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('Permissions-Policy', PERMISSIONS_POLICY);
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    if (ctx.path.startsWith('/api/') && ctx.path !== '/api/docs') ctx.set('Cache-Control', 'no-store');
    await next();
  };
}

/**
 * Bodies are JSON only: a body of another type is refused before parsing (also a CSRF guard). The
 * routes declared `multipart` (file uploads) take multipart/form-data instead, and only that.
 */
function jsonOnly(routes: Routes): Koa.Middleware {
  return async (ctx, next) => {
    if (routes.acceptsMultipart(ctx.method, ctx.path) && ctx.is('multipart/form-data')) return next();
    if (['POST', 'PATCH', 'PUT'].includes(ctx.method) && ctx.request.length && !ctx.is('application/json')) {
      throw new AppError(415, 'unsupported_media_type', 'request body must be application/json', 'body');
    }
    await next();
  };
}

/** Declares every route of the API on `routes` (the table the permission matrix and its tests read). */
// Refusals name person fields as the workbook and the forms do.
addFieldLabels(COLUMNS.map((c) => [c.key, c.header]));

export function declareRoutes(routes: Routes, app: AppContext): void {
  healthRoutes(routes, app);
  authRoutes(routes, app);
  jurisdictionRoutes(routes, app);
  householdRoutes(routes, app);
  personRoutes(routes, app);
  auditRoutes(routes, app);
  citizenRoutes(routes, app);
  checkRoutes(routes, app);
  passRoutes(routes, app);
  checkpointRoutes(routes, app);
  reportRoutes(routes, app);
  taskRoutes(routes, app);
  tileRoutes(routes, app);
  contentRoutes(routes, app);
  statsRoutes(routes, app);
  ogcRoutes(routes, app);
  liveRoutes(routes, app);
  mapRoutes(routes, app);
  boundaryRoutes(routes, app);
  organisationRoutes(routes, app);
  jobRoutes(routes, app);
}

export function buildApp(app: AppContext): Koa {
  // Koa believes X-Forwarded-Proto/Host in proxy mode; clientAddress removes them unless the peer is trusted
  const koa = new Koa({ proxy: app.config.trustProxy.kind !== 'none' });
  const router = new Router();
  const routes = new Routes(router, app);
  declareRoutes(routes, app);

  koa.use(clientAddress(app.config.trustProxy));
  koa.use(errorBoundary(app.log));
  koa.use(securityHeaders());
  koa.use(sameSiteWrites(app.config.publicOrigins));
  koa.use(staticFiles());
  koa.use(jsonOnly(routes));
  // Photos arrive as base64 JSON (5 MB of image ≈ 6.7 MB of text); every other body stays small.
  const smallBodies = bodyParser({ enableTypes: ['json'], strict: true, jsonLimit: '1mb' });
  const photoBodies = bodyParser({ enableTypes: ['json'], strict: true, jsonLimit: '7mb' });
  koa.use((ctx, next) => (ctx.path === '/api/files' ? photoBodies(ctx, next) : smallBodies(ctx, next)));
  koa.use(sessionMiddleware(app));
  koa.use(router.routes());
  koa.use(router.allowedMethods()); // 405 with Allow, 501; the error boundary writes the JSON error
  return koa;
}
