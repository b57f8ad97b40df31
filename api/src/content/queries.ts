// All SQL of guidance content (articles). Tenant isolation is row-level security; whether drafts
// are visible is decided by the service (content:manage) and passed here as `publishedOnly`.
import { Sql, and, join, raw, sql } from '../db/sql.ts';

const COLUMNS = raw(`a.id, a.kind, a.title, a.body, a.url, a.status, a.published_at, a.author_id,
  u.display_name as author_name, a.created_at, a.updated_at`);
const FROM = raw(`articles a left join users u on u.tenant_id = a.tenant_id and u.id = a.author_id`);

export interface ArticleFilter {
  kind?: string;
  status?: 'draft' | 'published';
  publishedOnly: boolean;
  limit: number;
  offset: number;
}

export function listArticles(tenantId: number, f: ArticleFilter): Sql {
  const conds: Sql[] = [sql`a.tenant_id = ${tenantId}`];
  if (f.kind) conds.push(sql`a.kind = ${f.kind}`);
  if (f.publishedOnly) conds.push(sql`a.status = 'published'`);
  else if (f.status) conds.push(sql`a.status = ${f.status}`);
  // Published items newest first, then drafts by last edit.
  return sql`select ${COLUMNS}, count(*) over () as total from ${FROM}
              where ${and(conds)}
              order by a.published_at desc nulls last, a.updated_at desc, a.id desc
              limit ${f.limit} offset ${f.offset}`;
}

export const articleById = (tenantId: number, id: number, publishedOnly: boolean, forUpdate = false) =>
  sql`select ${COLUMNS} from ${FROM}
       where a.tenant_id = ${tenantId} and a.id = ${id} ${publishedOnly ? raw(`and a.status = 'published'`) : raw('')}
       ${forUpdate ? raw('for update of a') : raw('')}`;

export const insertArticle = (tenantId: number, authorId: number, a: { kind: string; title: string; body: string; url: string | null }) =>
  sql`insert into articles (tenant_id, kind, title, body, url, author_id)
      values (${tenantId}, ${a.kind}, ${a.title}, ${a.body}, ${a.url}, ${authorId})
      returning id`;

/** A published article without an author (the demo city's guidance, seeded on the owner connection). */
export const insertDemoArticle = (tenantId: number, a: { kind: string; title: string; body: string; url: string | null }) =>
  sql`insert into articles (tenant_id, kind, title, body, url, status, published_at)
      values (${tenantId}, ${a.kind}, ${a.title}, ${a.body}, ${a.url}, 'published', now())`;

/** Only these columns may be set by an edit (the names are code-side, never from input). */
const EDITABLE = new Set(['kind', 'title', 'body', 'url']);

export function updateArticle(tenantId: number, id: number, values: Record<string, unknown>): Sql {
  const sets = Object.entries(values).map(([c, v]) => {
    if (!EDITABLE.has(c)) throw new Error(`not an editable column: ${c}`);
    return sql`${raw(c)} = ${v}`;
  });
  return sql`update articles set ${join(sets)}, updated_at = now() where tenant_id = ${tenantId} and id = ${id}`;
}

export const publishArticle = (tenantId: number, id: number) =>
  sql`update articles set status = 'published', published_at = now(), updated_at = now()
       where tenant_id = ${tenantId} and id = ${id} and status = 'draft'`;

export const unpublishArticle = (tenantId: number, id: number) =>
  sql`update articles set status = 'draft', published_at = null, updated_at = now()
       where tenant_id = ${tenantId} and id = ${id} and status = 'published'`;
