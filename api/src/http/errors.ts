// Errors that reach the client as {"error":{"code","message","field"}} with a fitting status.
import { STATUS_CODES } from 'node:http';
import type Koa from 'koa';
import { ZodError } from 'zod';
import type pino from 'pino';
import { CODE_ZH, langOf, NOUN_ZH, STATUS_ZH, type Lang } from './lang.ts';
import { fieldLabel } from './field-labels.ts';
import { zhOf } from './zod.ts';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  /** The message in Simplified Chinese, for requests that ask for it (http/lang.ts). */
  zhMessage?: string;

  withZh(text: string): this {
    this.zhMessage = text;
    return this;
  }

  /** The message in the request's language: its own Chinese, else its code's, else its kind and the English detail. */
  messageIn(lang: Lang): string {
    if (lang === 'en') return this.message;
    return this.zhMessage ?? CODE_ZH[this.code] ?? `${STATUS_ZH[this.status] ?? '请求失败'}：${this.message}`;
  }
}

export const badRequest = (message: string, field?: string) => new AppError(400, 'bad_request', message, field);
export const unauthorized = (message = 'login required') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'not permitted') => new AppError(403, 'forbidden', message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`).withZh(`未找到该${NOUN_ZH[what] ?? '对象'}`);
export const conflict = (message: string, field?: string) => new AppError(409, 'conflict', message, field);
export const unprocessable = (message: string, field?: string) => new AppError(422, 'unprocessable', message, field);

/** Turns a zod failure into a 400 naming the first offending field. */
export function fromZod(err: ZodError, where: 'body' | 'query' | 'params', lang: Lang = 'en', labels?: Record<string, string>): AppError {
  const issue = err.issues[0];
  const path = issue.path.map(String);
  let field = path.join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    field = [...path, issue.keys[0]].join('.');
    message = `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
  }
  // Named as the screens name the field; the path itself is the error's `field`.
  const error = new AppError(400, 'invalid_input', `${field ? fieldLabel(field, 'en') : where}: ${message}`, field || undefined);
  // the issue's message is already in the request's language (route.ts parses with zod's Chinese),
  // in zod's generic words: the commonest cases of a form get plainer ones
  if (lang === 'zh-CN') {
    error.withZh(issue.code === 'unrecognized_keys' ? `${field}：不认识的字段` : `${field ? fieldLabel(field, 'zh-CN', labels) : where}：${zhOf(message) ?? plainZh(issue) ?? message}`);
  }
  return error;
}

/** Plain Chinese for zod's commonest issues (empty, too short or long, missing), else undefined. */
export function plainZh(issue: ZodError['issues'][number]): string | undefined {
  if (issue.code === 'too_small' && issue.origin === 'string') return Number(issue.minimum) <= 1 ? '不能为空' : `至少 ${issue.minimum} 个字符`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `最多 ${issue.maximum} 个字符`;
  if (issue.code === 'invalid_type' && /undefined/.test(issue.message)) return '必填';
  return undefined;
}

/**
 * Unique indexes a request can run into past the service's own check: a row the caller's
 * jurisdiction hides (row-level security) still holds the value. The refusal names the field, never
 * the other row or the index.
 */
const UNIQUE_REFUSALS: Record<string, () => AppError> = {
  persons_id_number_unique: () => conflict('a person with this ID number is already registered', 'idNumber').withZh('该身份证号的人员已登记'),
  users_username: () => conflict('this username is taken', 'username').withZh('该用户名已被使用'),
};

/** Maps PostgreSQL errors the API can explain; anything else is a 500. */
function fromPg(err: { code?: string; constraint?: string; column?: string; message: string }): AppError | undefined {
  switch (err.code) {
    case '23505':
      return (err.constraint ? UNIQUE_REFUSALS[err.constraint]?.() : undefined) ?? conflict('this value already exists').withZh('该值已存在，不能重复');
    case '23514':
      return unprocessable(`value violates rule ${err.constraint ?? ''}`.trim(), err.column).withZh(`数据不符合规则 ${err.constraint ?? ''}`.trim());
    case '42501':
      return new AppError(404, 'not_found', 'object not found in your jurisdiction').withZh('在您的辖区内未找到该对象');
    case '22P02':
    case '22007':
    case '22008':
      return badRequest(err.message);
    // text the database cannot store (NUL in text or jsonb), should any reach it past validation
    case '22021':
    case '22P05':
      return badRequest('a value holds a character that cannot be stored (such as NUL)').withZh('某个值含有无法保存的字符（如 NUL）');
    case '57014':
      return new AppError(503, 'timeout', 'the database took too long; try a smaller query');
    // the server shut down or restarted, a connection was terminated, too many connections
    case '57P01':
    case '57P02':
    case '57P03':
    case '53300':
      return databaseUnavailable();
    default:
      return undefined;
  }
}

/** The database cannot be reached now: the client retries (a phone's outbox does) after a pause. */
const databaseUnavailable = () =>
  new AppError(503, 'database_unavailable', 'the database is not reachable at the moment; try again shortly', undefined, { 'Retry-After': '5' });

/** Failures to reach the database that are not PostgreSQL's answers: refused, reset, dropped, pool timeout. */
const CONNECTION_LOST = /ECONNREFUSED|ECONNRESET|EPIPE|Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i;

/** The error code of a plain HTTP status: 405 → method_not_allowed. */
function codeFor(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '_').replace(/^_|_$/g, '');
}

/** The one error boundary: every error becomes the JSON error shape; 5xx are logged, not shown. */
export function errorBoundary(log: pino.Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null && ctx.path.startsWith('/api/')) {
        throw new AppError(404, 'not_found', `no route ${ctx.method} ${ctx.path}`).withZh(`没有此接口：${ctx.method} ${ctx.path}`);
      }
      // the router answers a known path with another method 405 (with Allow), an unknown method 501
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body == null) {
        const allow = ctx.response.get('Allow');
        throw new AppError(ctx.status, codeFor(ctx.status), `${ctx.method} is not ${ctx.status === 405 ? 'allowed' : 'supported'} on ${ctx.path}${allow ? `; allowed: ${allow}` : ''}`);
      }
    } catch (raw) {
      const err = raw as Error & { status?: number; expose?: boolean; code?: string; type?: string };
      let app: AppError | undefined;
      if (err instanceof AppError) app = err;
      else if (err instanceof ZodError) app = fromZod(err, 'body');
      else if (err.type === 'entity.parse.failed' || (err instanceof SyntaxError && err.status === 400)) {
        app = badRequest(`malformed JSON body: ${err.message}`, 'body');
      }
      else if (err.type === 'entity.too.large') app = new AppError(413, 'too_large', 'request body too large', 'body');
      else if (err.status && err.status < 500 && err.expose) app = new AppError(err.status, codeFor(err.status), err.message);
      else if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) app = fromPg(err as never);
      if (!app && (/^08/.test(err.code ?? '') || CONNECTION_LOST.test(`${err.code ?? ''} ${err.message ?? ''}`))) app = databaseUnavailable();
      if (!app) {
        log.error({ err, path: ctx.path, method: ctx.method }, 'unhandled error');
        app = new AppError(500, 'internal', 'internal error');
      }
      ctx.status = app.status;
      if (app.headers) ctx.set(app.headers);
      ctx.body = { error: { code: app.code, message: app.messageIn(langOf(ctx.get('accept-language'))), ...(app.field ? { field: app.field } : {}) } };
    }
  };
}
