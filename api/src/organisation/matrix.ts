// The permission matrix: every permission of the catalogue with the routes that declare it, read
// from the route table itself (api/src/http/route.ts Routes.table), never from a second list. A
// route opens to a permission when its access names it; everything else is denied by default.
import { DUTY_PERMISSIONS, PERMISSIONS, type Permission } from '../auth/permissions.ts';
import type { RouteEntry } from '../http/route.ts';

const DUTY_OF = new Map(Object.entries(DUTY_PERMISSIONS).map(([duty, p]) => [p as Permission, duty]));

export function permissionMatrix(table: RouteEntry[]) {
  const opens = (p: Permission) =>
    table
      .filter((r) => ('permission' in r.access && r.access.permission === p) || ('anyPermission' in r.access && r.access.anyPermission.includes(p)))
      .map((r) => ({ method: r.method, path: r.path, summary: r.summary }));
  return {
    permissions: (Object.keys(PERMISSIONS) as Permission[]).map((code) => ({
      code,
      description: PERMISSIONS[code],
      duty: DUTY_OF.get(code) ?? null,
      routes: opens(code),
    })),
    /** Routes any signed-in staff user reaches, whatever the role. */
    authenticated: table.filter((r) => 'authenticated' in r.access).map((r) => ({ method: r.method, path: r.path, summary: r.summary })),
  };
}
