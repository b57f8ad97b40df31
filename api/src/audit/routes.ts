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

/** Detail keys that hold ids of the organisation, and the kind of each. */
const ID_KEYS: Record<string, keyof q.NamedIds> = {
  roleIds: 'role', positionIds: 'position', departmentId: 'department', parentId: 'department', scopeIds: 'jurisdiction', userIds: 'user',
};
/** Object types whose object id is such an id. */
const OBJECT_KINDS: Record<string, keyof q.NamedIds> = { role: 'role', position: 'position', department: 'department', user: 'user' };

/** The organisation ids a page of records names (in its details, one level of nesting deep: before, after), by kind. */
export function namedIds(records: { objectType: string | null; objectId: string | null; detail: unknown }[]): q.NamedIds {
  const out: Record<keyof q.NamedIds, Set<number>> = { role: new Set(), position: new Set(), department: new Set(), jurisdiction: new Set(), user: new Set() };
  const add = (kind: keyof q.NamedIds, v: unknown) => {
    for (const x of Array.isArray(v) ? v : [v]) if (Number.isSafeInteger(Number(x)) && Number(x) > 0) out[kind].add(Number(x));
  };
  const walk = (o: unknown, depth: number) => {
    if (!o || typeof o !== 'object' || Array.isArray(o) || depth > 1) return;
    for (const [k, v] of Object.entries(o)) {
      if (ID_KEYS[k]) add(ID_KEYS[k], v);
      else walk(v, depth + 1);
    }
  };
  for (const r of records) {
    if (r.objectType && OBJECT_KINDS[r.objectType] && r.objectId) add(OBJECT_KINDS[r.objectType], r.objectId);
    walk(r.detail, 0);
  }
  return Object.fromEntries(Object.entries(out).map(([k, s]) => [k, [...s]])) as q.NamedIds;
}

export function auditRoutes(routes: Routes, app: AppContext): void {
  routes.add({
    method: 'get',
    path: '/api/audit',
    summary: 'Audit trail of the tenant: logins, reveals, changes, with result and IP',
    tags: ['audit'],
    access: { permission: 'audit:read' },
    query: AuditQuery,
    handler: async ({ scoped, user, query, ctx }) => {
      const { rows, names } = await scoped(async (tx) => {
        const rows = await tx.rows(q.list(user.tenantId, { ...query, limit: query.pageSize, offset: (query.page - 1) * query.pageSize }));
        const ids = namedIds(rows.map((r) => ({ objectType: r.object_type, objectId: r.object_id, detail: r.detail })));
        const names: Record<string, Record<number, string>> = { role: {}, position: {}, department: {}, jurisdiction: {}, user: {} };
        if (Object.values(ids).some((l) => l.length)) {
          for (const n of await tx.rows<{ kind: string; id: number; name: string }>(q.namesOf(user.tenantId, ids))) names[n.kind][Number(n.id)] = n.name;
        }
        return { rows, names };
      });
      // Who read the trail, and what they looked for, is part of it.
      await writeAudit(app.db.pool, { tenantId: user.tenantId, userId: user.userId, action: 'audit.read', objectType: 'audit_log', ip: ctx.ip || null, result: 'ok', detail: { filter: query, shown: rows.length } });
      return {
        items: rows.map((r) => ({
          id: r.id, at: r.at, user: r.user_id == null ? null : { id: r.user_id, username: r.username, displayName: r.display_name },
          action: r.action, objectType: r.object_type, objectId: r.object_id, ip: r.ip, result: r.result, detail: r.detail,
        })),
        // what the records' ids name (roles, positions, departments, nodes, users), by kind and id,
        // and which detail keys and object types hold such ids (the screen reads them from here)
        names,
        idKeys: ID_KEYS,
        objectKinds: OBJECT_KINDS,
        total: rows[0]?.total ?? 0,
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  });
}
