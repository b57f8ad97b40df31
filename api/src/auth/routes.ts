// /api/auth: login, logout, me, password.
import type Koa from 'koa';
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import type { Principal } from './principal.ts';
import { resolveCitizenSession } from '../citizens/service.ts';
import { changePassword, login, logout, principalFromClaims, verifyToken } from './service.ts';
import { requireHttps } from '../http/client-ip.ts';

export const SESSION_COOKIE = 'gec_session';
export const CITIZEN_COOKIE = 'gec_citizen';

const Me = z
  .object({
    userId: z.number(),
    username: z.string(),
    displayName: z.string(),
    tenant: z.string(),
    roles: z.array(z.string()),
    permissions: z.array(z.string()),
    scope: z.array(z.object({ id: z.number(), path: z.string() })),
    sessionIdleMinutes: z.number(),
    mustChangePassword: z.boolean().openapi({ description: 'A temporary password: change it (POST /api/auth/password) before anything else answers' }),
  })
  .openapi('Me');

function me(p: Principal, idle: number): z.infer<typeof Me> {
  return {
    userId: p.userId,
    username: p.username,
    displayName: p.displayName,
    tenant: p.tenantCode,
    roles: p.roles,
    permissions: p.permissions,
    scope: p.scopeIds.map((id, i) => ({ id, path: p.scopePaths[i] })),
    sessionIdleMinutes: idle,
    mustChangePassword: p.mustChangePassword,
  };
}

/**
 * Resolves the caller from a bearer token or the session cookies: staff into ctx.state.user,
 * citizens into ctx.state.citizen. Unknown or dead tokens leave both unset.
 */
export function sessionMiddleware(app: AppContext): Koa.Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const tokens = header.startsWith('Bearer ') ? [header.slice(7)] : [ctx.cookies.get(SESSION_COOKIE), ctx.cookies.get(CITIZEN_COOKIE)];
    for (const token of tokens) {
      if (!token) continue;
      const claims = await verifyToken(app, token);
      if (claims?.typ === 'staff') ctx.state.user = await principalFromClaims(app, claims);
      if (claims?.typ === 'citizen') ctx.state.citizen = await resolveCitizenSession(app, claims.tid, claims.sid);
    }
    await next();
  };
}

export function authRoutes(routes: Routes, app: AppContext): void {
  routes.add({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in with username and password; sets the session cookie',
    tags: ['auth'],
    access: { public: true },
    body: z.strictObject({
      username: z.string().min(1).max(64),
      password: z.string().min(1).max(128),
      tenant: z.string().min(2).max(40).optional().openapi({ description: 'Tenant code, needed only when the username exists in several tenants' }),
    }),
    response: Me,
    async handler({ body, ctx }) {
      requireHttps(app.config.env, ctx);
      const { token, principal } = await login(app, { ...body, ip: ctx.ip || null, userAgent: ctx.get('user-agent') || null });
      ctx.cookies.set(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.env === 'production',
        overwrite: true,
      });
      return me(principal, app.config.sessionIdleMinutes);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'End the session on the server and clear the cookie',
    tags: ['auth'],
    access: { authenticated: true },
    duringPasswordChange: true,
    status: 204,
    async handler({ user, ctx }) {
      await logout(app, user, ctx.ip || null);
      ctx.cookies.set(SESSION_COOKIE, null);
      ctx.status = 204;
      return undefined;
    },
  });

  routes.add({
    method: 'get',
    path: '/api/auth/me',
    summary: 'The signed-in user, with roles, permissions and jurisdiction scope',
    tags: ['auth'],
    access: { authenticated: true },
    duringPasswordChange: true,
    response: Me,
    handler: async ({ user }) => me(user, app.config.sessionIdleMinutes),
  });

  routes.add({
    method: 'post',
    path: '/api/auth/password',
    summary: 'Change the own password (policy: at least 8 characters, 3 of 4 character classes)',
    tags: ['auth'],
    access: { authenticated: true },
    duringPasswordChange: true,
    body: z.strictObject({ currentPassword: z.string().min(1).max(128), newPassword: z.string().min(1).max(128) }),
    status: 204,
    async handler({ scoped, user, body, ctx }) {
      await changePassword(app, scoped, user, body.currentPassword, body.newPassword, ctx.ip || null);
      ctx.status = 204;
      return undefined;
    },
  });
}
