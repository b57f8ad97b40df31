// Routes are declared once: the declaration registers the Koa handler, validates every input
// with zod, checks access (deny by default: every route must say who may call it) and feeds
// the OpenAPI document.
import type Router from '@koa/router';
import type Koa from 'koa';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from './zod.ts';
import type { ZodType } from 'zod';
import type { Permission } from '../auth/permissions.ts';
import { type Principal, callerOf, type CitizenPrincipal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import { CONTROL } from '../control-chars.ts';
import { scopedAs, type Caller, type Scoped } from '../db/scope.ts';
import { idempotent } from '../idempotency/idempotency.ts';
import { writeAudit } from '../audit/audit.ts';
import { steppedUp, stepUpRequired } from '../auth/second-factor.ts';
import { AppError, fromZod, forbidden, unauthorized } from './errors.ts';
import { fieldLabel } from './field-labels.ts';
import { langOf, zodErrorMap, type Lang } from './lang.ts';
import { readMultipart, type MultipartSpec, type UploadedFile } from './multipart.ts';


export type Access =
  | { public: true }
  | { authenticated: true }
  | { permission: Permission }
  /** Any one of several permissions (e.g. lists both the system and the security administrator read). */
  | { anyPermission: Permission[] }
  | { citizen: true };

/** One row of the route table: what the permission matrix shows (GET /api/roles/permissions). */
export interface RouteEntry {
  method: string;
  path: string;
  summary: string;
  access: Access;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  user: Principal;
  citizen: CitizenPrincipal;
  /**
   * Opens a transaction bound to the request's caller (the staff user, or the citizen of a citizen
   * route): the only way services reach scoped rows. A public route has no caller and must not call it.
   */
  scoped: Scoped;
  /** The uploaded file of a `multipart` route. */
  file: UploadedFile;
  ctx: Koa.Context;
}

export interface RouteSpec<P, Q, B> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  response?: ZodType;
  status?: number;
  /**
   * A phone submission: honours the Idempotency-Key header (see idempotency.ts). `'answer-at-commit'`:
   * the handler returns what its one writing transaction returns, unchanged, so the key's answer is
   * kept with that commit (one round trip less; idempotency.ts checks the promise and keeps the
   * handler's answer after the fact when it is broken).
   */
  idempotent?: boolean | 'answer-at-commit';
  /**
   * The body is multipart/form-data with one file (size checked while streaming) instead of JSON;
   * `body` then validates the text fields. Only routes that say so accept it (app.ts jsonOnly).
   */
  multipart?: MultipartSpec;
  /**
   * Answers a staff user who must still change a temporary password or set up a required second
   * factor (me, password, logout, the second factor's set-up).
   */
  duringPasswordChange?: boolean;
  /**
   * Needs a recent re-authentication (sign-in or step-up, auth/second-factor.ts): always, or when
   * the validated input says so (a role change among other edits, a full ID number among fields).
   */
  stepUp?: true | ((input: { body: B; query: Q }) => boolean);
  /** What this route's fields are called on its screen where the shared names (field-labels.ts) do not fit (zh). */
  labels?: Record<string, string>;
  /** Returns the JSON body; a handler that writes ctx.body itself returns undefined. */
  handler(input: RouteInput<P, Q, B>): Promise<unknown>;
}

export class Routes {
  readonly registry = new OpenAPIRegistry();
  private readonly multipartRoutes: { method: string; pattern: RegExp }[] = [];
  /** Every declared route with its access, in declaration order. */
  readonly table: RouteEntry[] = [];
  constructor(
    private readonly router: Router,
    private readonly app: AppContext,
  ) {
    this.registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'gec_session' });
    this.registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
    this.registry.registerComponent('securitySchemes', 'citizenSession', { type: 'apiKey', in: 'cookie', name: 'gec_citizen' });
  }

  /** Whether a request goes to a route declared `multipart` (the only bodies that may be other than JSON). */
  acceptsMultipart(method: string, path: string): boolean {
    return this.multipartRoutes.some((r) => r.method === method && r.pattern.test(path));
  }

  add<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): void {
    this.document(spec);
    this.table.push({ method: spec.method.toUpperCase(), path: spec.path, summary: spec.summary, access: spec.access });
    if (spec.multipart) {
      const pattern = new RegExp(`^${spec.path.replace(/:\w+/g, '[^/]+')}/?$`);
      this.multipartRoutes.push({ method: spec.method.toUpperCase(), pattern });
    }
    this.router[spec.method](spec.path, async (ctx) => {
      const user = ctx.state.user as Principal | undefined;
      const citizen = ctx.state.citizen as CitizenPrincipal | undefined;
      if (user?.mustChangePassword && !spec.duringPasswordChange && !('public' in spec.access)) throw passwordChangeRequired();
      if (user?.mustEnrolTotp && !spec.duringPasswordChange && !('public' in spec.access)) throw totpEnrolmentRequired();
      try {
        checkAccess(spec.access, user, citizen);
      } catch (err) {
        // A signed-in user refused a permission (a reveal, an export, the audit log, …) is recorded.
        // A burst of the same refusal is one record a minute with the count of those it stands for,
        // so a signed-in client cannot flood the trail.
        const route = `${spec.method.toUpperCase()} ${spec.path}`;
        const repeated = user && err instanceof AppError && err.status === 403 ? deniedBursts.note(`${user.tenantId}:${user.userId}:${route}`) : null;
        if (user && repeated !== null && repeated >= 0) {
          await writeAudit(this.app.db.pool, {
            tenantId: user.tenantId, userId: user.userId, action: 'access.denied', objectType: 'route', objectId: route,
            ip: ctx.ip || null, result: 'denied', detail: { path: ctx.path, reason: (err as Error).message, ...(repeated > 0 ? { alsoRefused: repeated } : {}) },
          });
        }
        throw err;
      }
      // (before an upload is read)
      if (spec.stepUp === true && user && !steppedUp(this.app, user)) throw stepUpRequired();
      const lang = langOf(ctx.get('accept-language'));
      const params = parse(spec.params, ctx.params, 'params', lang, spec.labels);
      const query = parse(spec.query, ctx.query, 'query', lang, spec.labels);
      // Access and parameters are checked before an upload is read.
      const form = spec.multipart ? await readMultipart(ctx, spec.multipart) : undefined;
      const body = parse(spec.body, form ? form.fields : (ctx.request as { body?: unknown }).body, 'body', lang, spec.labels);
      if (typeof spec.stepUp === 'function' && user && spec.stepUp({ body, query }) && !steppedUp(this.app, user)) throw stepUpRequired();
      // The request's caller, built once: the identity the route's access admits.
      const who = 'public' in spec.access ? undefined : 'citizen' in spec.access ? citizen : user;
      const caller: Caller | undefined = who ? callerOf(who) : undefined;
      const scoped = caller ? scopedAs(this.app.db.pool, caller) : noCaller(spec.method, spec.path);
      const input = { params, query, body, user: user as Principal, citizen: citizen as CitizenPrincipal, scoped, file: form?.file, ctx } as RouteInput<P, Q, B>;
      const key = ctx.get('idempotency-key');
      if (spec.idempotent && key && who && caller) {
        const actor = 'citizenId' in who ? `c${who.citizenId}` : `u${who.userId}`;
        const status = spec.status ?? 200;
        const r = await idempotent(this.app, caller, actor, key, { method: ctx.method, path: ctx.path, body, lang }, async () => ({
          status,
          body: await spec.handler(input),
        }), spec.idempotent === 'answer-at-commit' ? status : undefined);
        ctx.status = r.status;
        ctx.body = r.body;
        if (r.replayed) ctx.set('Idempotent-Replayed', 'true');
        return;
      }
      const result = await spec.handler(input);
      if (result !== undefined) {
        ctx.status = spec.status ?? 200;
        ctx.body = result;
      }
    });
  }

  private document<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    const errors = Object.fromEntries(
      [400, 401, 403, 404, 409, 422, ...(spec.multipart ? [413, 415] : [])].map((s) => [s, { description: 'Error', content: { 'application/json': { schema: ErrorBody } } }]),
    );
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      description: describeAccess(spec.access),
      tags: spec.tags,
      security: 'public' in spec.access ? [] : 'citizen' in spec.access ? [{ citizenSession: [] }, { bearer: [] }] : [{ session: [] }, { bearer: [] }],
      request: {
        headers: spec.idempotent ? z.object({ 'Idempotency-Key': z.string().optional().openapi({ description: 'Retry-safe key: the same key and body replay the first response' }) }) : undefined,
        params: spec.params as never,
        query: spec.query as never,
        body: spec.multipart
          ? { content: { 'multipart/form-data': { schema: multipartSchema(spec.multipart, spec.body) } } }
          : spec.body ? { content: { 'application/json': { schema: spec.body } } } : undefined,
      },
      responses: {
        [spec.status ?? 200]: {
          description: 'OK',
          content: spec.response ? { 'application/json': { schema: spec.response } } : undefined,
        },
        ...errors,
      },
    });
  }
}

/** The form of a multipart route for the OpenAPI document: its text fields and the file. */
function multipartSchema(m: MultipartSpec, fields: ZodType | undefined): ZodType {
  const file = { [m.file]: z.string().openapi({ type: 'string', format: 'binary', description: `at most ${m.maxBytes()} bytes` }) };
  const shape = fields && 'shape' in fields ? (fields.shape as Record<string, ZodType>) : {};
  return z.object({ ...shape, ...file });
}

const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .openapi('Error');

function describeAccess(a: Access): string {
  if ('public' in a) return 'Public.';
  if ('authenticated' in a) return 'Any signed-in staff user.';
  if ('citizen' in a) return 'A signed-in citizen (phone + SMS code); sees only their own records.';
  if ('anyPermission' in a) return `Requires one of the permissions ${a.anyPermission.map((p) => `\`${p}\``).join(', ')}.`;
  return `Requires permission \`${a.permission}\`; rows are limited to the caller's jurisdiction.`;
}

function checkAccess(access: Access, user: Principal | undefined, citizen: CitizenPrincipal | undefined): void {
  if ('public' in access) return;
  if ('citizen' in access) {
    if (!citizen) throw unauthorized('citizen sign-in required');
    return;
  }
  if (!user) throw unauthorized();
  if ('permission' in access && !user.permissions.includes(access.permission)) {
    throw forbidden(`permission ${access.permission} required`).withZh(`没有执行此操作的权限（需要 ${access.permission}）`);
  }
  if ('anyPermission' in access && !access.anyPermission.some((p) => user.permissions.includes(p))) {
    throw forbidden(`one of the permissions ${access.anyPermission.join(', ')} required`).withZh(`没有执行此操作的权限（需要 ${access.anyPermission.join('、')} 之一）`);
  }
}

/** The opener of a public route: no one signed in, so nothing to bind; calling it is a bug. */
function noCaller(method: string, path: string): Scoped {
  return async () => {
    throw new Error(`${method.toUpperCase()} ${path} is public: it has no caller to open a scoped transaction as (use tenantCaller for tenant-wide work)`);
  };
}

const passwordChangeRequired = () =>
  new AppError(403, 'password_change_required', 'change your temporary password first (POST /api/auth/password)');

const totpEnrolmentRequired = () =>
  new AppError(403, 'totp_enrolment_required', 'administrators set up a second factor first (POST /api/auth/totp/setup)').withZh('管理员须先设置动态码（身份验证器）');

/**
 * The first string (or key) in a request's input that holds a control character, as a field path.
 * PostgreSQL refuses NUL in text and jsonb, and no form field needs the others.
 */
export function controlCharacterField(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (CONTROL.test(v)) return path;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, path ? `${path}.${i}` : String(i)]));
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, item] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        if (CONTROL.test(k)) return at;
        stack.push([item, at]);
      }
    }
  }
  return null;
}

/**
 * Refusals of one user and route: the first is recorded at once, those within the next minute are
 * counted and go with the next record after it. note() answers the count to record (≥ 0), or -1
 * when the refusal is only counted. Bounded: the map is cleared past 10,000 keys.
 */
export const deniedBursts = {
  windowMs: 60_000,
  seen: new Map<string, { at: number; count: number }>(),
  note(key: string, now = Date.now()): number {
    const last = this.seen.get(key);
    if (last && now - last.at < this.windowMs) {
      last.count++;
      return -1;
    }
    if (this.seen.size >= 10_000) this.seen.clear();
    this.seen.set(key, { at: now, count: 0 });
    return last?.count ?? 0;
  },
};

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: 'body' | 'query' | 'params', lang: Lang, labels?: Record<string, string>): T {
  const bad = controlCharacterField(value);
  if (bad !== null) {
    const field = bad.replace(/[^\x20-\x7E]/g, '?');
    throw new AppError(400, 'invalid_input', `${where}${field ? `.${field}` : ''}: control characters (such as NUL) and direction overrides are not allowed`, field || where)
      .withZh(`${field ? fieldLabel(field, 'zh-CN', labels) : where}：不允许控制字符（如 NUL）或文字方向控制符`);
  }
  if (!schema) {
    if (where === 'body' && value !== undefined && !(typeof value === 'object' && value && Object.keys(value).length === 0)) {
      throw fromZod(z.strictObject({}).safeParse(value).error!, 'body', lang);
    }
    if (where === 'query' && value && Object.keys(value).length > 0) {
      throw fromZod(z.strictObject({}).safeParse(value).error!, 'query', lang);
    }
    return undefined as T;
  }
  if (where !== 'body') {
    const field = numberTextProblem(schema, value);
    if (field) {
      throw new AppError(400, 'invalid_input', `${fieldLabel(field, 'en')}: a number written in decimal digits`, field).withZh(`${fieldLabel(field, 'zh-CN', labels)}：须为十进制数字`);
    }
  }
  const r = schema.safeParse(value ?? {}, { error: zodErrorMap[lang] });
  if (!r.success) throw fromZod(r.error, where, lang, labels);
  return r.data;
}

type Def = { type: string; shape?: Record<string, ZodType>; innerType?: ZodType; coerce?: boolean };
const defOf = (schema: ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The first path or query parameter declared as a number whose text is not plainly one: zod's
 * coercion is JavaScript's Number(), which reads "0x10" as 16, " 1" as 1 and "" as 0, so a
 * malformed id would act on another record.
 */
function numberTextProblem(schema: ZodType, value: unknown): string | null {
  const def = defOf(schema);
  if (def.type !== 'object' || !def.shape || !value || typeof value !== 'object') return null;
  for (const [key, field] of Object.entries(def.shape)) {
    let inner = defOf(field);
    while (inner.innerType) inner = defOf(inner.innerType);
    const text = (value as Record<string, unknown>)[key];
    if (inner.type === 'number' && inner.coerce && typeof text === 'string' && !/^-?\d{1,15}(\.\d{1,15})?$/.test(text)) return key;
  }
  return null;
}

/** Path parameter `id`: a positive integer. */
export const IdParams = z.strictObject({ id: z.coerce.number().int().positive().openapi({ example: 1 }) });
