// All SQL of the audit trail.
import { literal } from '../db/scope.ts';
import { and, sql, type Sql } from '../db/sql.ts';
import type { AuditEntry } from './audit.ts';

/** The append as a statement with its values inline, for a commit's round trip or oneShot (db/scope.ts). */
export const appendStatement = (e: AuditEntry) => {
  const opt = (v: string | number | null | undefined) => (v == null ? 'null' : literal(v));
  return `select app.write_audit(${literal(e.tenantId)}::int, ${opt(e.userId)}::bigint, ${literal(e.action)}, ${opt(e.objectType)}::text,
    ${opt(e.objectId == null ? null : String(e.objectId))}::text, ${opt(e.ip)}::inet, ${literal(e.result)}, ${literal(JSON.stringify(e.detail ?? {}))}::jsonb)`;
};

export interface AuditFilter {
  /** A prefix of the action code (`person` matches `person.create`); an exact code matches itself. */
  action?: string;
  /** Part of the acting user's username or display name, case-insensitive. */
  user?: string;
  result?: 'ok' | 'denied' | 'error';
  objectType?: string;
  objectId?: string;
  userId?: number;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** The text with LIKE's wildcards (and its escape character) taken literally. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function list(tenantId: number, f: AuditFilter): Sql {
  const conds: Sql[] = [sql`a.tenant_id = ${tenantId}`];
  if (f.action) conds.push(sql`a.action like ${`${likeLiteral(f.action)}%`}`);
  if (f.result) conds.push(sql`a.result = ${f.result}`);
  if (f.user) {
    const like = `%${likeLiteral(f.user)}%`;
    conds.push(sql`(u.username ilike ${like} or u.display_name ilike ${like})`);
  }
  if (f.objectType) conds.push(sql`a.object_type = ${f.objectType}`);
  if (f.objectId) conds.push(sql`a.object_id = ${f.objectId}`);
  if (f.userId) conds.push(sql`a.user_id = ${f.userId}`);
  if (f.from) conds.push(sql`a.at >= ${f.from}::date`);
  if (f.to) conds.push(sql`a.at < ${f.to}::date + 1`);
  return sql`select a.id, a.at, a.user_id, u.username, u.display_name, a.action, a.object_type, a.object_id, host(a.ip) as ip, a.result, a.detail,
                    count(*) over () as total
               from audit_log a left join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
              where ${and(conds)}
              order by a.at desc, a.id desc limit ${f.limit} offset ${f.offset}`;
}

/** The tenants with an audit chain, and each chain's head and anchor (owner connection). */
export const chains = (tenantId?: number) =>
  sql`select c.tenant_id, t.code, c.seq, c.hash, c.anchor_seq, c.anchor_hash
        from audit_chain c join tenants t on t.id = c.tenant_id
       where ${tenantId == null ? sql`true` : sql`c.tenant_id = ${tenantId}`}
       order by c.tenant_id`;

/** A page of a tenant's chain with stored and recomputed hashes (owner connection). */
export const links = (tenantId: number, afterSeq: number, limit: number) =>
  sql`select id, seq, prev_hash, hash, expected from app.audit_links(${tenantId}::int, ${afterSeq}::bigint, ${limit}::int)`;

/** Ids the records name, by kind (role, position, department, jurisdiction, user). */
export type NamedIds = Record<'role' | 'position' | 'department' | 'jurisdiction' | 'user', number[]>;

/** The names of the ids the records name, so the trail reads without rights to the organisation screens. */
export const namesOf = (tenantId: number, ids: NamedIds) =>
  sql`select 'role' as kind, id, name from roles where tenant_id = ${tenantId} and id = any(${ids.role}::bigint[])
      union all select 'position', id, name from positions where tenant_id = ${tenantId} and id = any(${ids.position}::bigint[])
      union all select 'department', id, name from departments where tenant_id = ${tenantId} and id = any(${ids.department}::bigint[])
      union all select 'jurisdiction', j.id, coalesce(p.name || ' · ', '') || j.name from jurisdictions j
                  left join jurisdictions p on p.tenant_id = j.tenant_id and p.id = j.parent_id and j.level >= 4
                 where j.tenant_id = ${tenantId} and j.id = any(${ids.jurisdiction}::bigint[])
      union all select 'user', id, coalesce(display_name, username) from users where tenant_id = ${tenantId} and id = any(${ids.user}::bigint[])`;
