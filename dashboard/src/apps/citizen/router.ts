// Routes of the citizens' app under /c. The router only authenticates: without a citizen session
// every page but the sign-in goes there (and back after it); views load their own data.
import { createRouter, createWebHistory } from 'vue-router';
import { whenSignedOut } from './api';
import { useCitizen } from './stores/citizen';
// The first screens: in the app's first download (a lazy chunk is one more round trip on a phone).
import HomeView from './views/HomeView.vue';
import SignInView from './views/SignInView.vue';

export const router = createRouter({
  history: createWebHistory('/c'),
  routes: [
    { path: '/', component: HomeView },
    { path: '/login', component: SignInView, meta: { public: true } },
    { path: '/report', component: () => import('./views/ReportView.vue') },
    { path: '/reports', component: () => import('./views/ReportsView.vue') },
    { path: '/reports/:id(\\d+)', component: () => import('./views/ReportDetailView.vue') },
    { path: '/bind', component: () => import('./views/BindView.vue') },
    { path: '/health', component: () => import('./views/HealthView.vue') },
    { path: '/pass', component: () => import('./views/PassView.vue') },
    { path: '/declare', component: () => import('./views/DeclareView.vue') },
    { path: '/articles/:id(\\d+)', component: () => import('./views/ArticleView.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const citizen = useCitizen();
  if (!citizen.checked) await citizen.load().catch(() => null);
  if (to.meta.public) return citizen.me && to.path === '/login' ? { path: String(to.query.next ?? '/') } : true;
  if (!citizen.me) return { path: '/login', query: { ...to.query, next: to.fullPath } };
  return true;
});

whenSignedOut(() => {
  const citizen = useCitizen();
  // Only a session that ended mid-visit: the first check of /me is the guard's own business.
  if (!citizen.me) return;
  citizen.me = null;
  const here = router.currentRoute.value;
  if (!here.meta.public) void router.replace({ path: '/login', query: { next: here.fullPath } });
});
