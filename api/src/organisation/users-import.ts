// Bulk users from Excel: the template with the tenant's own lists, and the import — every row checked
// (per-row, per-cell errors), then all-or-nothing or the valid rows only. Imported users get a
// temporary password each and must change it at first sign-in. Audited.
import type Koa from 'koa';
import { auditTx } from '../audit/audit.ts';
import { hashPassword } from '../auth/password.ts';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Tx, Scoped } from '../db/scope.ts';
import { badRequest, plainZh } from '../http/errors.ts';
import type { Lang } from '../http/lang.ts';
import { zhOf } from '../http/zod.ts';
import type { UploadedFile } from '../http/multipart.ts';
import { assertDutyRules, DUTY_NAMES, DUTY_ZH, dutyHolders, GUARDED_DUTIES, type DutyHolders } from './duties.ts';
import * as q from './queries.ts';
import { UserCreate, type UserCreateInput } from './schema.ts';
import { buildUserTemplate, columnHeader, readUserSheet, SheetError, type UserColumnKey, type UserSheetRow } from './users-excel.ts';
import { insertUser, temporaryPassword } from './users.ts';

export const MAX_IMPORT_ROWS = 2000;
export const maxImportBytes = () => 5 * 1024 * 1024;

interface ImportRole {
  id: number;
  code: string;
  duty: string | null;
}

interface Lookups {
  departments: Map<string, number | null>;
  positions: { id: number; name: string; departmentId: number; departmentName: string; duties: string[] }[];
  /** Active roles by code, and by name (a name several roles share is ambiguous: written before names were unique). */
  roles: { byCode: Map<string, ImportRole>; byName: Map<string, ImportRole[]> };
  scopes: Map<string, number>;
  scopeLabels: string[];
  existing: Set<string>;
  /** Who holds each duty now, and the security or audit duties given by rows above (one account each, while nobody holds it). */
  dutyHolders: DutyHolders;
  dutiesGiven: Set<string>;
}

/** Active departments by name; a name that several carry (under different parents) maps to null: ambiguous. */
function departmentsByName(deps: { id: string; name: string }[]): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const d of deps) out.set(d.name, out.has(d.name) ? null : Number(d.id));
  return out;
}

async function loadLookups(tx: Tx, tenantId: number, usernames: string[]): Promise<Lookups> {
  const holders = await dutyHolders(tx, tenantId);
  const deps = await tx.rows(q.departments(tenantId));
  const poss = await tx.rows(q.positions(tenantId));
  const roles = await tx.rows(q.roles(tenantId));
  const nodes = await tx.rows<{ id: string; code: string; name: string }>(q.scopeNodes(tenantId));
  const byCode = new Map<string, ImportRole>();
  const byName = new Map<string, ImportRole[]>();
  for (const r of roles.filter((r) => r.active)) {
    const role = { id: Number(r.id), code: r.code as string, duty: r.duty as string | null };
    byCode.set(role.code, role);
    byName.set(r.name, [...(byName.get(r.name) ?? []), role]);
  }
  const scopes = new Map<string, number>();
  for (const n of nodes) {
    scopes.set(n.code, Number(n.id));
    scopes.set(`${n.name} (${n.code})`, Number(n.id));
  }
  return {
    departments: departmentsByName(deps.filter((d) => d.active) as { id: string; name: string }[]),
    positions: poss
      .filter((p) => p.active)
      .map((p) => ({
        id: Number(p.id), name: p.name, departmentId: Number(p.department_id), departmentName: p.department_name,
        duties: (p.roles as { duty: string | null }[]).map((r) => r.duty).filter((d): d is string => !!d),
      })),
    roles: { byCode, byName },
    scopes,
    scopeLabels: nodes.map((n) => `${n.name} (${n.code})`),
    existing: new Set((await tx.rows<{ username: string }>(q.existingUsernames(tenantId, usernames))).map((r) => r.username)),
    dutyHolders: holders,
    dutiesGiven: new Set(),
  };
}

/** GET /api/users/template.xlsx: the template with this tenant's departments, positions, roles and the caller's nodes. */
export async function userTemplate(app: AppContext, scoped: Scoped, user: Principal, ctx: Koa.Context): Promise<void> {
  const l = await scoped((tx) => loadLookups(tx, user.tenantId, []));
  const roleNames = [...l.roles.byName.keys()];
  const wb = buildUserTemplate({
    departments: [...l.departments.keys()],
    positions: [...new Set(l.positions.map((p) => p.name))],
    roles: roleNames,
    scopes: l.scopeLabels,
  });
  ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  ctx.set('Content-Disposition', `attachment; filename="users-template.xlsx"; filename*=UTF-8''${encodeURIComponent('用户导入模板.xlsx')}`);
  ctx.body = Buffer.from(await wb.xlsx.writeBuffer());
}

export interface CellError {
  row: number;
  column: string;
  field: UserColumnKey;
  /** In the request's language. */
  message: string;
}

const ZOD_FIELD: Record<string, UserColumnKey> = { username: 'username', displayName: 'displayName', phone: 'phone', scopeIds: 'scope' };

/** Turns one sheet row into the create input, or the errors of its cells. */
function checkRow(r: UserSheetRow, l: Lookups, seen: Map<string, number>, lang: Lang): { input?: UserCreateInput; errors: CellError[] } {
  const errors: CellError[] = [];
  // every message in English and Chinese; the answer carries the request's language
  const err = (field: UserColumnKey, en: string, zh: string) => errors.push({ row: r.row, column: columnHeader(field), field, message: lang === 'zh-CN' ? zh : en });
  let departmentId: number | null = null;
  if (r.department) {
    departmentId = l.departments.get(r.department) ?? null;
    if (l.departments.get(r.department) === null) {
      err('department', `several departments are named “${r.department}”: rename one in the console so that a row can name it`, `有多个部门名为“${r.department}”，请先在管理后台中改名以区分`);
    } else if (departmentId == null) err('department', `no active department named “${r.department}”`, `没有名为“${r.department}”的启用部门`);
  }
  const positionIds: number[] = [];
  const duties = new Set<string>();
  if (r.position) {
    const matches = l.positions.filter((p) => p.name === r.position && (departmentId == null || p.departmentId === departmentId));
    if (!matches.length) {
      err('position', `no active position named “${r.position}”${departmentId != null ? ` in department “${r.department}”` : ''}`,
        `${departmentId != null ? `部门“${r.department}”中` : ''}没有名为“${r.position}”的启用岗位`);
    }
    else if (matches.length > 1) {
      err('position', `several positions are named “${r.position}”: fill in the department (${matches.map((m) => m.departmentName).join(', ')})`,
        `有多个岗位名为“${r.position}”，请同时填写部门（${matches.map((m) => m.departmentName).join('、')}）`);
    }
    else {
      positionIds.push(matches[0].id);
      matches[0].duties.forEach((d) => duties.add(d));
    }
  }
  const roleIds: number[] = [];
  for (const name of (r.roles ?? '').split(/[、,，;；]/).map((s) => s.trim()).filter(Boolean)) {
    // the code first (it cannot be ambiguous), then the name
    const named = l.roles.byName.get(name) ?? [];
    const role = l.roles.byCode.get(name) ?? (named.length === 1 ? named[0] : undefined);
    if (!role && named.length > 1) {
      err('roles', `several roles are named “${name}”: write the role's code instead (${named.map((r) => r.code).join(', ')})`,
        `有多个角色名为“${name}”，请改填角色编码（${named.map((r) => r.code).join('、')}）`);
    } else if (!role) err('roles', `no active role named “${name}”`, `没有名为“${name}”的启用角色`);
    else {
      roleIds.push(role.id);
      if (role.duty) duties.add(role.duty);
    }
  }
  if (duties.size > 1) {
    err('roles', `separation of duties (三员分立): the ${[...duties].join(', ')} administrator roles cannot be combined`,
      `三员分立：${[...duties].map((d) => DUTY_ZH[d] ?? d).join('、')}角色不能兼任`);
  }
  // the system administrator gives the security or audit duty only while nobody holds it, to one account
  const guarded = duties.size > 1 ? [] : [...duties].filter((d) => GUARDED_DUTIES.includes(d));
  for (const d of guarded) {
    const holders = [...l.dutyHolders.get(d)!.values()];
    if (holders.length) {
      err('roles', `separation of duties (三员分立): the ${DUTY_NAMES[d]} duty is held by ${holders.join(', ')}; only the system operator gives it to another account`,
        `三员分立：${DUTY_ZH[d]}职责已由 ${holders.join('、')} 担任，只能由系统运维人员改授他人`);
    } else if (l.dutiesGiven.has(d)) {
      err('roles', `separation of duties (三员分立): the ${DUTY_NAMES[d]} duty is given to one account only, and a row above has it`,
        `三员分立：${DUTY_ZH[d]}职责只能授予一个账号，上面的行已有`);
    }
  }
  const scopeId = r.scope ? l.scopes.get(r.scope) ?? l.scopes.get(/\(([^()]+)\)\s*$/.exec(r.scope)?.[1] ?? '') : undefined;
  if (r.scope && scopeId == null) err('scope', `no jurisdiction node “${r.scope}” in your jurisdiction`, `您的辖区内没有辖区节点“${r.scope}”`);
  const parsed = UserCreate.safeParse({
    username: r.username ?? '', displayName: r.displayName ?? '', phone: r.phone ?? null, departmentId, positionIds, roleIds,
    scopeIds: scopeId == null ? (r.scope ? [0] : []) : [scopeId],
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = ZOD_FIELD[String(issue.path[0])];
      if (!field || (field === 'scope' && r.scope)) continue;
      if (field === 'scope' || !r[field]) err(field, `${columnHeader(field)} is required`, `${columnHeader(field)}必填`);
      else err(field, issue.message, zhOf(issue.message) ?? `${columnHeader(field)}${plainZh(issue) ?? '格式不正确'}`);
    }
  }
  const key = (r.username ?? '').toLowerCase();
  if (key && l.existing.has(key)) err('username', `username ${r.username} already exists`, `用户名 ${r.username} 已存在`);
  else if (key && seen.has(key)) err('username', `username ${r.username} is also in row ${seen.get(key)}`, `用户名 ${r.username} 与第 ${seen.get(key)} 行重复`);
  if (key && !seen.has(key)) seen.set(key, r.row);
  if (!errors.length) guarded.forEach((d) => l.dutiesGiven.add(d));
  return errors.length ? { errors } : { input: parsed.data!, errors };
}

export async function importUsers(app: AppContext, scoped: Scoped, user: Principal, file: UploadedFile, mode: 'all_or_nothing' | 'valid_rows', ip: string | null, lang: Lang = 'en') {
  let rows: UserSheetRow[];
  try {
    rows = await readUserSheet(file.data, MAX_IMPORT_ROWS);
  } catch (err) {
    if (err instanceof SheetError) throw badRequest(`file: ${err.message}`, 'file').withZh(`文件无法读取：${err.messageZh}`);
    throw err;
  }
  if (!rows.length) throw badRequest('file: the sheet has no user rows under the header', 'file').withZh('表格的表头下没有用户行');
  const outcome = await scoped(async (tx) => {
    const l = await loadLookups(tx, user.tenantId, rows.map((r) => r.username ?? '').filter(Boolean));
    const before = l.dutyHolders;
    const seen = new Map<string, number>();
    const checked = rows.map((r) => ({ row: r.row, ...checkRow(r, l, seen, lang) }));
    const errors = checked.flatMap((c) => c.errors);
    const valid = checked.filter((c) => c.input);
    const created: { row: number; id: number; username: string; temporaryPassword: string }[] = [];
    if (mode === 'valid_rows' || errors.length === 0) {
      for (const c of valid) {
        const password = temporaryPassword();
        const id = await insertUser(app, tx, user.tenantId, c.input!, await hashPassword(password));
        created.push({ row: c.row, id, username: c.input!.username, temporaryPassword: password });
      }
      await assertDutyRules(tx, user.tenantId, user.userId, before, 'roleIds');
    }
    const invalid = checked.length - valid.length;
    await auditTx(tx, {
      tenantId: user.tenantId, userId: user.userId, action: 'user.import', objectType: 'user', ip, result: 'ok',
      detail: { file: file.fileName, mode, rows: rows.length, imported: created.length, invalid, userIds: created.map((c) => c.id) },
    });
    return { rows: rows.length, valid: valid.length, invalid, errors, created };
  });
  return { mode, ...outcome, imported: outcome.created.length };
}
