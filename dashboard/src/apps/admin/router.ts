// Routes of the admin console under /admin. The router only authenticates (the shared sign-in page
// when there is no session); App shows the no-access screen to users without admin permissions. An
// administrator who must set up a second factor is kept on the account security page until it is on.
import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from '@shared/stores/session';

export const router = createRouter({
  history: createWebHistory('/admin'),
  routes: [
    { path: '/', redirect: '/boundaries/import' },
    { path: '/boundaries/import', component: () => import('./views/BoundaryImportView.vue'), meta: { menu: 'boundaries-import', permission: 'boundary:manage' } },
    { path: '/boundaries/versions', component: () => import('./views/BoundaryVersionsView.vue'), meta: { menu: 'boundaries-versions', permission: 'boundary:manage' } },
    // organisation (views/org)
    { path: '/org/departments', component: () => import('./views/org/DepartmentsView.vue'), meta: { menu: 'org-departments', permission: 'user:manage' } },
    { path: '/org/positions', component: () => import('./views/org/PositionsView.vue'), meta: { menu: 'org-positions', permission: 'user:manage' } },
    { path: '/org/users', component: () => import('./views/org/UsersView.vue'), meta: { menu: 'org-users', permission: 'user:manage' } },
    { path: '/org/roles', component: () => import('./views/org/RolesView.vue'), meta: { menu: 'org-roles', permission: ['role:manage', 'user:manage'] } },
    { path: '/org/audit', component: () => import('./views/org/AuditLogView.vue'), meta: { menu: 'org-audit', permission: 'audit:read' } },
    // persons data: Excel template, import, export (views/data)
    { path: '/data/persons', component: () => import('./views/data/PersonDataView.vue'), meta: { menu: 'data-persons', permission: ['person:write', 'person:read'] } },
    // the signed-in user's own account: second factor (views/account)
    { path: '/security', component: () => import('./views/account/SecurityView.vue'), meta: { menu: 'security' } },
    // settings: rules, options, articles, jobs (views/settings)
    { path: '/settings/rules', component: () => import('./views/settings/CheckRulesView.vue'), meta: { menu: 'settings-rules', permission: 'rule:manage' } },
    { path: '/settings/overdue', component: () => import('./views/settings/OverdueReleaseView.vue'), meta: { menu: 'settings-overdue', permission: 'rule:manage' } },
    { path: '/settings/options', component: () => import('./views/settings/EnterpriseOptionsView.vue'), meta: { menu: 'settings-options', permission: 'rule:manage' } },
    { path: '/settings/articles', component: () => import('./views/settings/ArticlesView.vue'), meta: { menu: 'settings-articles', permission: 'content:manage' } },
    { path: '/settings/jobs', component: () => import('./views/settings/JobsView.vue'), meta: { menu: 'settings-jobs', permission: 'rule:manage' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const session = useSession();
  if (!session.checked) await session.load().catch(() => null);
  if (!session.me) {
    location.assign(`/login?next=${encodeURIComponent(`/admin${to.fullPath}`)}`);
    return false;
  }
  if (session.me.mustEnrolTotp) return to.path === '/security' ? true : '/security';
  // A screen the user may not use leads to the first one they may (the audit administrator to the
  // audit log); the server still refuses the API.
  const held = session.me.permissions;
  const may = (p: unknown) => !p || (Array.isArray(p) ? p : [p]).some((x) => held.includes(String(x)));
  if (!may(to.meta.permission)) {
    const first = router.getRoutes().find((r) => r.meta.permission && may(r.meta.permission));
    return first && first.path !== to.path ? first.path : true;
  }
  return true;
});
