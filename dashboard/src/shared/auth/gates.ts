// What each permission unlocks in the front-end: apps, menus, tabs and map layers. The server's
// route table says which API a permission opens (GET /api/roles/permissions); this is the UI side
// of the same matrix, shown beside it in the admin console. The app gates come from home.ts; the
// menu, tab and layer gates mirror the checks in the admin menu (App.vue), the field app's tabs
// (apps/field/stores/field.ts) and the command center's layer toggles (LayerToggles.vue).
import { ADMIN_PERMISSIONS, FIELD_PERMISSIONS } from './home';

export type GateKind = 'app' | 'menu' | 'tab' | 'layer';

export interface UiGate {
  kind: GateKind;
  /** Permissions of which any one opens it. */
  anyOf: readonly string[];
  zh: string;
  en: string;
}

export const UI_GATES: UiGate[] = [
  { kind: 'app', anyOf: ['dashboard:view'], zh: '指挥中心大屏', en: 'Command center' },
  { kind: 'app', anyOf: FIELD_PERMISSIONS, zh: '移动端（网格员）', en: 'Field app' },
  { kind: 'app', anyOf: ADMIN_PERMISSIONS, zh: '管理后台', en: 'Admin console' },
  { kind: 'menu', anyOf: ['boundary:manage'], zh: '后台：辖区边界', en: 'Admin: boundaries' },
  { kind: 'menu', anyOf: ['user:manage'], zh: '后台：部门、岗位、用户', en: 'Admin: departments, positions, users' },
  { kind: 'menu', anyOf: ['role:manage', 'user:manage'], zh: '后台：角色与权限', en: 'Admin: roles & permissions' },
  { kind: 'menu', anyOf: ['audit:read'], zh: '后台：审计日志', en: 'Admin: audit log' },
  { kind: 'tab', anyOf: ['task:work'], zh: '移动端：任务', en: 'Field: tasks' },
  { kind: 'tab', anyOf: ['pass:scan'], zh: '移动端：扫码核验、卡口登记', en: 'Field: scan, checkpoint register' },
  { kind: 'tab', anyOf: ['person:read'], zh: '移动端：人员', en: 'Field: persons' },
  { kind: 'tab', anyOf: ['check:write'], zh: '移动端：健康检查', en: 'Field: checks' },
  { kind: 'tab', anyOf: ['person:write'], zh: '移动端：人员登记', en: 'Field: registration' },
  { kind: 'layer', anyOf: ['person:reveal'], zh: '地图图层：人员热点', en: 'Map layer: person hot points' },
  { kind: 'layer', anyOf: ['household:read'], zh: '地图图层：住户', en: 'Map layer: households' },
  { kind: 'layer', anyOf: ['task:read'], zh: '地图图层：任务', en: 'Map layer: tasks' },
];

/** The gates a permission opens. */
export const gatesOf = (permission: string) => UI_GATES.filter((g) => g.anyOf.includes(permission));

/** Whether a user with these permissions passes a gate. */
export const passes = (permissions: readonly string[], anyOf: readonly string[]) => anyOf.some((p) => permissions.includes(p));
