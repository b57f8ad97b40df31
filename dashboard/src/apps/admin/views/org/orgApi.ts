// The organisation API as the admin console reads it (api/src/organisation; README "Organisation").
import { request } from '@shared/api/client';

export type Duty = 'system' | 'security' | 'audit';
export interface Department { id: number; parentId: number | null; name: string; active: boolean; users: number; positions: number }
export interface RoleRef { id: number; code: string; name: string; duty?: Duty | null }
export interface Position { id: number; departmentId: number; departmentName: string; name: string; active: boolean; roles: RoleRef[]; users: number }
export interface Role { id: number; code: string; name: string; active: boolean; builtin: boolean; duty: Duty | null; permissions: string[]; users: number }
export type UserStatus = 'active' | 'disabled' | 'locked';
export interface OrgUser {
  id: number; username: string; displayName: string; department: { id: number; name: string } | null;
  positions: { id: number; name: string }[]; roles: RoleRef[]; scope: { id: number; name: string; level: number; path: string }[];
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
