// /api/citizen: public sign-in with phone + SMS code, and identity binding.
import { CITIZEN_COOKIE } from '../auth/routes.ts';
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { MobilePhoneInput } from '../persons/schema.ts';
import type { CitizenPrincipal } from '../auth/principal.ts';
import { bindIdentity, requestCode, signIn, signOut } from './service.ts';
import { requireHttps } from '../http/client-ip.ts';

const tenant = z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'tenant code').openapi({ example: 'demo' });
const phone = MobilePhoneInput.openapi({ example: '13800138000' });

const CitizenMe = z
  .object({ citizenId: z.number(), tenant: z.string(), cityName: z.string(), phone: z.string(), personId: z.number().nullable() })
  .openapi('CitizenMe');

const me = (c: CitizenPrincipal) => ({ citizenId: c.citizenId, tenant: c.tenantCode, cityName: c.tenantName, phone: c.phoneMasked, personId: c.personId });

export function citizenRoutes(routes: Routes, app: AppContext): void {
  const tags = ['citizen'];
  routes.add({
    method: 'post',
    path: '/api/citizen/sms-code',
    summary: 'Send a 6-digit sign-in code (5 min, single use); 429 with Retry-After when sent too often',
    tags,
    access: { public: true },
    body: z.strictObject({ tenant, phone }),
    status: 202,
    handler: ({ body, ctx }) => {
      requireHttps(app.config.env, ctx);
      return requestCode(app, body.tenant, body.phone, ctx.ip || null);
    },
  });
  routes.add({
    method: 'post',
    path: '/api/citizen/login',
    summary: 'Sign in with phone and SMS code; sets the citizen session cookie',
    tags,
    access: { public: true },
    body: z.strictObject({ tenant, phone, code: z.string().regex(/^\d{6}$/, 'six digits') }),
    response: CitizenMe,
    async handler({ body, ctx }) {
      requireHttps(app.config.env, ctx);
      const { token, principal } = await signIn(app, body.tenant, body.phone, body.code, ctx.ip || null);
      ctx.cookies.set(CITIZEN_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: app.config.env === 'production', overwrite: true });
      return me(principal);
    },
  });
  routes.add({
    method: 'post',
    path: '/api/citizen/logout',
    summary: 'End the citizen session',
    tags,
    access: { citizen: true },
    status: 204,
    async handler({ scoped, citizen, ctx }) {
      await signOut(app, scoped, citizen);
      ctx.cookies.set(CITIZEN_COOKIE, null);
      ctx.status = 204;
      return undefined;
    },
  });
  routes.add({
    method: 'get',
    path: '/api/citizen/me',
    summary: 'The signed-in citizen',
    tags,
    access: { citizen: true },
    response: CitizenMe,
    handler: async ({ citizen }) => me(citizen),
  });
  routes.add({
    method: 'post',
    path: '/api/citizen/bind',
    summary: 'Bind the account to oneself on the watch list: name + ID number + the signed-in phone must match',
    tags,
    access: { citizen: true },
    body: z.strictObject({ name: z.string().trim().min(1).max(50), idNumber: z.string().trim().min(5).max(30) }),
    handler: ({ scoped, citizen, body, ctx }) => bindIdentity(app, scoped, citizen, body.name, body.idNumber, ctx.ip || null),
  });
}
