// Guidance content (§4.1.4): publicity articles, news and self-check guide links. Content managers
// create, edit, publish and unpublish; everyone of the tenant reads what is published.
import { auditTx } from '../audit/audit.ts';
import { can, type Principal, tenantCaller } from '../auth/principal.ts';
import { tenantByCode } from '../citizens/queries.ts';
import type { AppContext } from '../context.ts';
import { withScope, withoutCaller, type Tx, type Scoped } from '../db/scope.ts';
import { badRequest, forbidden, notFound } from '../http/errors.ts';
import * as q from './queries.ts';

export type Kind = 'publicity' | 'news' | 'guide';

export interface ArticleCreate {
  kind: Kind;
  title: string;
  body?: string;
  url?: string;
}
export type ArticlePatch = Partial<{ kind: Kind; title: string; body: string; url: string | null }>;
export interface ArticleQuery {
  kind?: Kind;
  status?: 'draft' | 'published';
  page: number;
  pageSize: number;
}

interface ArticleRow {
  id: number;
  kind: Kind;
  title: string;
  body: string;
  url: string | null;
  status: 'draft' | 'published';
  published_at: Date | null;
  author_id: number | null;
  author_name: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What everyone may read. */
const toPublic = (r: ArticleRow) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, url: r.url, publishedAt: r.published_at });
/** What content managers see besides. */
const toStaff = (r: ArticleRow) => ({
  ...toPublic(r), status: r.status, author: r.author_id ? { id: r.author_id, name: r.author_name } : null, createdAt: r.created_at, updatedAt: r.updated_at,
});
/** A list item carries a summary, not the whole body. */
const summarise = <T extends { body: string }>({ body, ...rest }: T) => ({ ...rest, summary: Array.from(body).slice(0, 120).join('') });

/** A guide is a link; publicity and news need a body. Checked on the merged state of an edit. */
function checkShape(a: { kind: Kind; body: string; url: string | null }): void {
  if (a.kind === 'guide' && !a.url) throw badRequest('a self-check guide needs a url', 'url').withZh('自查指南须填写链接');
  if (a.kind !== 'guide' && !a.body.trim()) throw badRequest(`a ${a.kind} item needs a body`, 'body').withZh('正文不能为空');
}

/** What an audit entry keeps of an article, before and after a change. */
const audited = (r: ArticleRow) => ({ kind: r.kind, title: r.title, body: r.body, url: r.url, status: r.status, publishedAt: r.published_at });

/** Recorded in the change's own transaction: the record and the change commit or fail together. */
const audit = (tx: Tx, user: Principal, action: string, id: number, before: ArticleRow | null, after: ArticleRow) =>
  auditTx(tx, {
    tenantId: user.tenantId, userId: user.userId, action, objectType: 'article', objectId: id, result: 'ok',
    detail: { before: before && audited(before), after: audited(after) },
  });

async function load(tx: Tx, tenantId: number, id: number, publishedOnly: boolean): Promise<ArticleRow> {
  const row = await tx.one<ArticleRow>(q.articleById(tenantId, id, publishedOnly));
  if (!row) throw notFound('article');
  return row;
}

export async function createArticle(app: AppContext, scoped: Scoped, user: Principal, input: ArticleCreate) {
  const a = { kind: input.kind, title: input.title, body: input.body ?? '', url: input.url ?? null };
  checkShape(a);
  const row = await scoped(async (tx) => {
    const { id } = (await tx.one<{ id: number }>(q.insertArticle(user.tenantId, user.userId, a)))!;
    const created = await load(tx, user.tenantId, id, false);
    await audit(tx, user, 'article.create', id, null, created);
    return created;
  });
  return toStaff(row);
}

export async function updateArticle(app: AppContext, scoped: Scoped, user: Principal, id: number, patch: ArticlePatch) {
  if (Object.keys(patch).length === 0) throw badRequest('nothing to change', 'body').withZh('没有要修改的内容');
  const { row } = await scoped(async (tx) => {
    const current = await tx.one<ArticleRow>(q.articleById(user.tenantId, id, false, true));
    if (!current) throw notFound('article');
    checkShape({ kind: patch.kind ?? current.kind, body: patch.body ?? current.body, url: patch.url === undefined ? current.url : patch.url });
    await tx.query(q.updateArticle(user.tenantId, id, patch));
    const updated = await load(tx, user.tenantId, id, false);
    await audit(tx, user, 'article.update', id, current, updated);
    return { before: current, row: updated };
  });
  return toStaff(row);
}

/** Publishing is idempotent: publishing a published item (or unpublishing a draft) changes nothing. */
export async function setPublished(app: AppContext, scoped: Scoped, user: Principal, id: number, published: boolean) {
  const { row } = await scoped(async (tx) => {
    const before = await load(tx, user.tenantId, id, false);
    const r = await tx.query(published ? q.publishArticle(user.tenantId, id) : q.unpublishArticle(user.tenantId, id));
    const after = await load(tx, user.tenantId, id, false);
    if ((r.rowCount ?? 0) > 0) await audit(tx, user, published ? 'article.publish' : 'article.unpublish', id, before, after);
    return { row: after };
  });
  return toStaff(row);
}

/** Staff listing: drafts only for content managers. */
export async function listArticles(app: AppContext, scoped: Scoped, user: Principal, query: ArticleQuery) {
  const manager = can(user, 'content:manage');
  if (query.status === 'draft' && !manager) throw forbidden('permission content:manage required to see drafts').withZh('查看草稿需要内容管理权限');
  return scoped(async (tx) => {
    const rows = await tx.rows<ArticleRow & { total: number }>(q.listArticles(user.tenantId, {
      kind: query.kind, status: query.status, publishedOnly: !manager, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }));
    return { items: rows.map((r) => summarise(toStaff(r))), total: rows[0]?.total ?? 0, page: query.page, pageSize: query.pageSize };
  });
}

export async function getArticle(app: AppContext, scoped: Scoped, user: Principal, id: number) {
  const manager = can(user, 'content:manage');
  return toStaff(await scoped((tx) => load(tx, user.tenantId, id, !manager)));
}

/** Public reading needs no sign-in: a tenant-only caller, published items only. */
async function asTenant<T>(app: AppContext, tenantCode: string, fn: (tx: Tx, tenantId: number) => Promise<T>): Promise<T> {
  const t = await withoutCaller(app.db.pool, (tx) => tx.one<{ id: number | null }>(tenantByCode(tenantCode)));
  if (!t?.id) throw notFound('tenant');
  const tenantId = t.id;
  return withScope(app.db.pool, tenantCaller(tenantId), (tx) => fn(tx, tenantId));
}

export function listPublished(app: AppContext, tenantCode: string, query: Omit<ArticleQuery, 'status'>) {
  return asTenant(app, tenantCode, async (tx, tenantId) => {
    const rows = await tx.rows<ArticleRow & { total: number }>(q.listArticles(tenantId, {
      kind: query.kind, publishedOnly: true, limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
    }));
    return { items: rows.map((r) => summarise(toPublic(r))), total: rows[0]?.total ?? 0, page: query.page, pageSize: query.pageSize };
  });
}

export function getPublished(app: AppContext, tenantCode: string, id: number) {
  return asTenant(app, tenantCode, async (tx, tenantId) => toPublic(await load(tx, tenantId, id, true)));
}
