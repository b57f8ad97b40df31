// /api/audit: the tenant's audit trail, for roles with audit:read.
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { writeAudit } from './audit.ts';
import * as q from './queries.ts';

const AuditQuery = z.strictObject({
  action: z.string().trim().regex(/^[a-z_.]{1,40}$/).optional()
    .openapi({ description: 'The start of the action code: `person` matches `person.create` and `person.export`; a whole code matches that action' }),
  result: z.enum(['ok', 'denied', 'error']).optional().openapi({ description: 'Only records with this result' }),
  user: z.string().trim().min(1).max(64).optional().openapi({ description: 'Part of the acting user\'s username or display name, case-insensitive' }),
  objectType: z.string().regex(/^[a-z_]{2,40}$/).optional(),
  objectId: z.string().max(40).optional(),
  userId: z.coerce.number().int().positive().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export function auditRoutes(routes: Routes, app: AppContext): void {
  routes.add({
    method: 'get',
    path: '/api/audit',
    summary: 'Audit trail of the tenant: logins, reveals, changes, with result and IP',
    tags: ['audit'],
    access: { permission: 'audit:read' },
    query: AuditQuery,
    handler: async ({ scoped, user, query, ctx }) => {
      const rows = await scoped((tx) =>
        tx.rows(q.list(user.tenantId, { ...query, limit: query.pageSize, offset: (query.page - 1) * query.pageSize })),
      );
      // Who read the trail, and what they looked for, is part of it.
      await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'audit.read', objectType: 'audit_log', ip: ctx.ip || null, result: 'ok', detail: { filter: query, shown: rows.length } });
      return {
        items: rows.map((r) => ({
          id: r.id, at: r.at, user: r.user_id == null ? null : { id: r.user_id, username: r.username, displayName: r.display_name },
          action: r.action, objectType: r.object_type, objectId: r.object_id, ip: r.ip, result: r.result, detail: r.detail,
        })),
        total: rows[0]?.total ?? 0,
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  });
}
