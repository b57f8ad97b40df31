// The organisation API as the admin console reads it (api/src/organisation; README "Organisation").
import { ElMessageBox } from 'element-plus';
import { request } from '@shared/api/client';

export type Duty = 'system' | 'security' | 'audit';
// `version`: what an edit names, so an edit made meanwhile by someone else is refused (409) instead of overwritten
export interface Department { id: number; parentId: number | null; name: string; active: boolean; version: number; users: number; positions: number }
export interface RoleRef { id: number; code: string; name: string; duty?: Duty | null }
export interface Position { id: number; departmentId: number; departmentName: string; name: string; active: boolean; version: number; roles: RoleRef[]; users: number }
export interface Role { id: number; code: string; name: string; active: boolean; builtin: boolean; duty: Duty | null; version: number; permissions: string[]; users: number }
export type UserStatus = 'active' | 'disabled' | 'locked';
export interface OrgUser {
  id: number; username: string; displayName: string; department: { id: number; name: string } | null;
  positions: { id: number; name: string }[]; roles: RoleRef[]; scope: { id: number; name: string; level: number; path: string; parentName: string | null }[]; duties?: string[]; version: number;
  phoneMasked: string | null; status: UserStatus; mustChangePassword: boolean; isDemo: boolean;
  /** Has a second factor (absent from servers that do not say). */
  totpEnabled?: boolean;
}
export interface RouteRef { method: string; path: string; summary: string }
export interface PermissionEntry { code: string; description: string; duty: Duty | null; routes: RouteRef[] }
export interface Matrix { permissions: PermissionEntry[]; authenticated: RouteRef[] }
export interface CellError { row: number; column: string; field: string; message: string }
export interface ImportResult {
  mode: 'all_or_nothing' | 'valid_rows'; rows: number; valid: number; invalid: number; imported: number;
  errors: CellError[]; created: { row: number; id: number; username: string; temporaryPassword: string }[];
}
export interface TreeNode { id: number; code: string; name: string; level: number; children: TreeNode[] }

/** Nests flat departments by parentId (a parent outside the list makes a root). */
/** Whether the administrator confirms a change that takes rights away at once. */
export const confirmed = (message: string) => ElMessageBox.confirm(message, { type: 'warning' }).then(() => true, () => false);

/**
 * Departments as choices of a filterable select, each named by its path (上级 / 下级), in tree order.
 * (ElTreeSelect 2.14 rendered these nodes without labels and could not select them.)
 */
export function departmentChoices(list: Department[]): { id: number; label: string }[] {
  const byId = new Map(list.map((d) => [d.id, d]));
  const path = (d: Department): string[] => {
    const up: string[] = [];
    for (let at: Department | undefined = d, n = 0; at && n < 64; at = at.parentId == null ? undefined : byId.get(at.parentId), n++) up.unshift(at.name);
    return up;
  };
  return list.map((d) => ({ id: d.id, parts: path(d) }))
    .sort((a, b) => a.parts.join('\u0000').localeCompare(b.parts.join('\u0000'), 'zh-CN'))
    .map((c) => ({ id: c.id, label: c.parts.join(' / ') }));
}

/** The departments outside `id`'s subtree: where a department may move to (never under itself). */
export function outsideSubtree(list: Department[], id: number | null): Department[] {
  if (id == null) return list;
  const removed = new Set([id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of list) if (d.parentId != null && removed.has(d.parentId) && !removed.has(d.id)) (removed.add(d.id), (grew = true));
  }
  return list.filter((d) => !removed.has(d.id));
}

export function departmentTree(list: Department[]): (Department & { children: Department[] })[] {
  const byId = new Map(list.map((d) => [d.id, { ...d, children: [] as Department[] }]));
  const roots: (Department & { children: Department[] })[] = [];
  for (const d of byId.values()) {
    const parent = d.parentId == null ? undefined : byId.get(d.parentId);
    if (parent) parent.children.push(d);
    else roots.push(d);
  }
  return roots;
}

/**
 * POST /api/users/imports as multipart form data; errors carry the server's code, message and field.
 * Through the shared client: an import asks for a recent re-authentication (step-up).
 */
export async function uploadUsers(file: File, mode: ImportResult['mode']): Promise<ImportResult> {
  const form = new FormData();
  form.append('mode', mode);
  form.append('file', file);
  return (await request<ImportResult>('POST', '/api/users/imports', form)).body;
}
