// Guidance content: /api/articles for staff (content:manage writes), /api/public/articles for all.
import type { AppContext } from '../context.ts';
import { IdParams, type Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { createArticle, getArticle, getPublished, listArticles, listPublished, setPublished, updateArticle } from './service.ts';

const tenant = z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'tenant code').openapi({ example: 'demo' });
const kind = z.enum(['publicity', 'news', 'guide']).openapi({ description: 'publicity 宣传, news 新闻, guide 自查指引 (a link)' });
const title = z.string().trim().min(1).max(200);
const body = z.string().max(50000);
// stored with its scheme in lower case, as the database's check (and every browser) reads it
const url = z
  .url({ protocol: /^https?$/i })
  .max(2000)
  .transform((u) => u.replace(/^https?/i, (scheme) => scheme.toLowerCase()));
const page = {
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};

const ArticleCreate = z.strictObject({ kind, title, body: body.optional(), url: url.optional() }).openapi('ArticleCreate');
const ArticlePatch = z
  .strictObject({ kind: kind.optional(), title: title.optional(), body: body.optional(), url: url.nullable().optional() })
  .openapi('ArticlePatch');
const StaffQuery = z.strictObject({ kind: kind.optional(), status: z.enum(['draft', 'published']).optional(), ...page });
const PublicQuery = z.strictObject({ tenant, kind: kind.optional(), ...page });

const PublicArticle = z
  .object({ id: z.number(), kind, title: z.string(), body: z.string(), url: z.string().nullable(), publishedAt: z.string().nullable() })
  .openapi('PublicArticle');
const Article = PublicArticle.extend({
  status: z.enum(['draft', 'published']),
  author: z.object({ id: z.number(), name: z.string().nullable() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).openapi('Article');

export function contentRoutes(routes: Routes, app: AppContext): void {
  const tags = ['content'];
  const manage = { permission: 'content:manage' } as const;
  routes.add({
    method: 'get',
    path: '/api/articles',
    summary: 'Articles of the tenant; drafts only for content managers',
    tags,
    access: { authenticated: true },
    query: StaffQuery,
    handler: ({ scoped, user, query }) => listArticles(app, scoped, user, query),
  });
  routes.add({
    method: 'get',
    path: '/api/articles/:id',
    summary: 'One article; a draft only for content managers',
    tags,
    access: { authenticated: true },
    params: IdParams,
    response: Article,
    handler: ({ scoped, user, params }) => getArticle(app, scoped, user, params.id),
  });
  routes.add({
    method: 'post',
    path: '/api/articles',
    summary: 'Create a draft (a guide needs a url; publicity and news a body)',
    tags,
    access: manage,
    body: ArticleCreate,
    response: Article,
    status: 201,
    handler: ({ scoped, user, body }) => createArticle(app, scoped, user, body),
  });
  routes.add({
    method: 'patch',
    path: '/api/articles/:id',
    summary: 'Edit an article (a published one stays published)',
    tags,
    access: manage,
    params: IdParams,
    body: ArticlePatch,
    response: Article,
    handler: ({ scoped, user, params, body }) => updateArticle(app, scoped, user, params.id, body),
  });
  for (const [action, published] of [['publish', true], ['unpublish', false]] as const) {
    routes.add({
      method: 'post',
      path: `/api/articles/:id/${action}`,
      summary: published ? 'Publish: visible to everyone of the tenant' : 'Unpublish: back to draft',
      tags,
      access: manage,
      params: IdParams,
      response: Article,
      handler: ({ scoped, user, params }) => setPublished(app, scoped, user, params.id, published),
    });
  }
  routes.add({
    method: 'get',
    path: '/api/public/articles',
    summary: 'Published articles of a tenant, newest first (no sign-in)',
    tags,
    access: { public: true },
    query: PublicQuery,
    handler: ({ query }) => listPublished(app, query.tenant, query),
  });
  routes.add({
    method: 'get',
    path: '/api/public/articles/:id',
    summary: 'One published article of a tenant (no sign-in)',
    tags,
    access: { public: true },
    params: IdParams,
    query: z.strictObject({ tenant }),
    response: PublicArticle,
    handler: ({ params, query }) => getPublished(app, query.tenant, params.id),
  });
}
