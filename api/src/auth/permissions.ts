// The permission catalogue and the built-in roles every tenant starts with.
export const PERMISSIONS = {
  'jurisdiction:read': 'See jurisdiction nodes and boundaries in scope',
  'household:read': 'See households in scope',
  'household:write': 'Create and edit households in scope',
  'person:read': 'See persons in scope (personal data masked)',
  'person:write': 'Register and edit persons in scope',
  'person:status': 'Change the status of persons in scope',
  'person:reveal': 'See unmasked ID numbers, phones and addresses (audited)',
  'audit:read': 'Read the audit log of the tenant',
  'user:manage': 'Manage departments, positions and users; reset passwords and unlock accounts (system administrator)',
  'role:manage': 'Create roles, edit their permissions and disable them (security administrator)',
  'report:read': 'See case reports in scope',
  'task:read': 'See tasks in scope',
  'task:work': 'Carry out tasks: verification results, checks',
  'task:assign': 'Reassign tasks in scope, singly and in bulk',
  'check:write': 'Record health checks of persons in scope',
  'rule:manage': 'Configure check rules of the tenant',
  'content:manage': 'Create, edit, publish and unpublish guidance content',
  'pass:scan': 'Scan electronic passes and register people at checkpoints',
  'dashboard:view': 'Open the command center dashboard and its statistics',
  'boundary:manage': 'Upload and validate jurisdiction boundaries, apply them as a new version, export and roll back versions',
} as const;

export type Permission = keyof typeof PERMISSIONS;

/** Separation of duties (三员分立, MLPS level 3): no user may hold two of these. */
export type Duty = 'system' | 'security' | 'audit';

export interface RoleDefinition {
  code: string;
  name: string;
  permissions: Permission[];
  duty?: Duty;
}

/**
 * The permission that makes each duty: held only by the duty's built-in role, never granted to
 * another role or taken from that one (api/src/organisation/duties.ts).
 */
export const DUTY_PERMISSIONS: Record<Duty, Permission> = { system: 'user:manage', security: 'role:manage', audit: 'audit:read' };

const READ: Permission[] = ['jurisdiction:read', 'household:read', 'person:read', 'report:read', 'task:read'];

export const BUILTIN_ROLES: RoleDefinition[] = [
  { code: 'commander', name: '指挥部领导', permissions: [...READ, 'dashboard:view'] },
  { code: 'street_staff', name: '街道工作人员', permissions: [...READ, 'person:write', 'person:status', 'task:assign', 'dashboard:view'] },
  {
    code: 'community_staff',
    name: '社区工作人员',
    permissions: [...READ, 'household:write', 'person:write', 'person:status', 'person:reveal', 'task:work', 'task:assign', 'dashboard:view'],
  },
  {
    code: 'grid_worker',
    name: '网格员',
    permissions: [...READ, 'household:write', 'person:write', 'person:status', 'person:reveal', 'task:work'],
  },
  { code: 'doctor', name: '社区医生', permissions: [...READ, 'person:write', 'person:status', 'person:reveal', 'task:work', 'check:write'] },
  { code: 'checkpoint', name: '卡口人员', permissions: ['jurisdiction:read', 'pass:scan'] },
  {
    code: 'admin',
    name: '管理员',
    duty: 'system',
    permissions: [...READ, 'household:write', 'person:write', 'person:status', 'user:manage', 'task:assign', 'rule:manage', 'content:manage', 'dashboard:view', 'boundary:manage'],
  },
  { code: 'security_admin', name: '安全管理员', duty: 'security', permissions: ['jurisdiction:read', 'role:manage'] },
  { code: 'audit_admin', name: '审计管理员', duty: 'audit', permissions: ['audit:read'] },
];
