// /api/health and the OpenAPI document.
import { OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from '../http/zod.ts';
import type { AppContext } from '../context.ts';
import { withoutCaller } from '../db/scope.ts';
import { postgisVersion } from './queries.ts';
import type { Routes } from '../http/route.ts';

export function healthRoutes(routes: Routes, app: AppContext): void {
  routes.add({
    method: 'get',
    path: '/api/health',
    summary: 'Liveness and database check',
    tags: ['system'],
    access: { public: true },
    response: z.object({ status: z.literal('ok'), database: z.enum(['embedded', 'server']), postgis: z.string() }).openapi('Health'),
    handler: async () => {
      const row = await withoutCaller(app.db.pool, (tx) => tx.one<{ v: string }>(postgisVersion()));
      return { status: 'ok', database: app.db.mode, postgis: row!.v };
    },
  });

  let document: unknown;
  routes.add({
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This OpenAPI 3 document, generated from the zod schemas (readable at /api/docs)',
    tags: ['system'],
    access: { public: true },
    handler: async () => {
      document ??= new OpenApiGeneratorV3(routes.registry.definitions).generateDocument({
        openapi: '3.0.3',
        info: {
          title: 'Grid-based community epidemic control API (网格化社区疫情防控系统)',
          version: '0.1.0',
          description: 'Errors are {"error":{"code","message","field"}}. Rows are limited to the caller\'s jurisdiction.',
        },
      });
      return document;
    },
  });
}
