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
    { path: '/data/persons', component: () => import('./views/data/PersonDataView.vue'), meta: { menu: 'data-persons', permission: ['person:write', 'person:read'] } },
    // settings: rules, options, articles, jobs (views/settings)
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
