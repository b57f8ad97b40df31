// /api/auth: login, logout, me, password.
import type Koa from 'koa';
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import type { Principal } from './principal.ts';
import { resolveCitizenSession } from '../citizens/service.ts';
import { changePassword, isAdministrator, login, logout, principalFromClaims, resolveSession, verifyToken } from './service.ts';
import { disableTotp, enableTotp, setUpTotp, steppedUpUntil, stepUp } from './second-factor.ts';
import { requireHttps } from '../http/client-ip.ts';

export const SESSION_COOKIE = 'gec_session';
export const CITIZEN_COOKIE = 'gec_citizen';

const Totp = z.string().regex(/^\d{6}$/, 'must be the 6 digits of the authenticator app');

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
    totpEnabled: z.boolean().openapi({ description: 'The user has a second factor (TOTP): sign-in and step-up ask for its code' }),
    totpRequired: z.boolean().openapi({ description: 'The policy requires a second factor of this user (an administrator): it cannot be turned off' }),
    mustEnrolTotp: z.boolean().openapi({ description: 'An administrator without the required second factor: set it up (POST /api/auth/totp/setup) before anything else answers' }),
    steppedUpUntil: z.string().openapi({ description: 'Until when exports, role changes and full ID numbers need no new re-authentication (POST /api/auth/step-up)' }),
  })
  .openapi('Me');

function me(app: AppContext, p: Principal): z.infer<typeof Me> {
  return {
    userId: p.userId,
    username: p.username,
    displayName: p.displayName,
    tenant: p.tenantCode,
    roles: p.roles,
    permissions: p.permissions,
    scope: p.scopeIds.map((id, i) => ({ id, path: p.scopePaths[i] })),
    sessionIdleMinutes: app.config.sessionIdleMinutes,
    mustChangePassword: p.mustChangePassword,
    totpEnabled: p.totpEnabled,
    totpRequired: app.config.adminTotp === 'required' && isAdministrator(p.permissions),
    mustEnrolTotp: p.mustEnrolTotp,
    steppedUpUntil: steppedUpUntil(app, p).toISOString(),
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
      totp: Totp.optional().openapi({ description: 'The code of the second factor; asked for (401 totp_required) once the password is right' }),
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
      return me(app, principal);
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
    handler: async ({ user }) => me(app, user),
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

  routes.add({
    method: 'post',
    path: '/api/auth/step-up',
    summary: 'Confirm who you are again (password, and the code of the second factor when you have one) before exports, role changes and full ID numbers',
    tags: ['auth'],
    access: { authenticated: true },
    body: z.strictObject({ password: z.string().min(1).max(128), totp: Totp.optional() }),
    response: z.object({ steppedUpUntil: z.string() }),
    async handler({ user, body, ctx }) {
      const r = await stepUp(app, user, body.password, body.totp, ctx.ip || null);
      return { steppedUpUntil: r.steppedUpUntil.toISOString() };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/auth/totp/setup',
    summary: 'Start setting up the second factor (TOTP): with the password, answers a new secret and its otpauth:// URL for an authenticator app',
    tags: ['auth'],
    access: { authenticated: true },
    duringPasswordChange: true,
    body: z.strictObject({ password: z.string().min(1).max(128) }),
    response: z.object({ secret: z.string(), otpauthUrl: z.string() }),
    handler: ({ user, body, ctx }) => setUpTotp(app, user, body.password, ctx.ip || null),
  });

  routes.add({
    method: 'post',
    path: '/api/auth/totp/enable',
    summary: 'Confirm the new secret with a first code: sign-in asks for the code from then on',
    tags: ['auth'],
    access: { authenticated: true },
    duringPasswordChange: true,
    body: z.strictObject({ totp: Totp }),
    response: Me,
    async handler({ user, body, ctx }) {
      await enableTotp(app, user, body.totp, ctx.ip || null);
      return me(app, (await resolveSession(app, user.tenantId, user.sessionId))!);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/auth/totp/disable',
    summary: 'Remove the own second factor (password and a code); administrators keep theirs where the policy requires one',
    tags: ['auth'],
    access: { authenticated: true },
    body: z.strictObject({ password: z.string().min(1).max(128), totp: Totp }),
    response: Me,
    async handler({ user, body, ctx }) {
      await disableTotp(app, user, body.password, body.totp, ctx.ip || null);
      return me(app, (await resolveSession(app, user.tenantId, user.sessionId))!);
    },
  });
}
