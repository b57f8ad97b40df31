// Routes of the admin console under /admin. The router only authenticates (the shared sign-in page
// when there is no session); App shows the no-access screen to users without admin permissions.
import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from '@shared/stores/session';

export const router = createRouter({
  history: createWebHistory('/admin'),
  routes: [
    { path: '/', redirect: '/boundaries/import' },
    { path: '/boundaries/import', component: () => import('./views/BoundaryImportView.vue'), meta: { menu: 'boundaries-import' } },
    { path: '/boundaries/versions', component: () => import('./views/BoundaryVersionsView.vue'), meta: { menu: 'boundaries-versions' } },
    // organisation (views/org)
    // persons data: Excel template, import, export (views/data)
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
  return true;
});
