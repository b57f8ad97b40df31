// Routes of the field app under /field. The router only authenticates (the shared sign-in page
// when there is no session) and sends each role to its home; views load their own data.
import { createRouter, createWebHistory } from 'vue-router';
import { useField } from './stores/field';
// The grid worker's and the doctor's first screen: in the app's first download, not a lazy chunk
// (on a slow network every chunk behind it is another round trip).
import TasksView from './views/TasksView.vue';

export const router = createRouter({
  history: createWebHistory('/field'),
  routes: [
    { path: '/', component: { render: () => null } },
    { path: '/tasks', component: TasksView, meta: { tab: 'tasks' } },
    { path: '/tasks/:id(\\d+)', component: () => import('./views/TaskDetailView.vue'), meta: { tab: 'tasks' } },
    { path: '/tasks/:id(\\d+)/verify', component: () => import('./views/VerifyView.vue'), meta: { tab: 'tasks' } },
    { path: '/tasks/:id(\\d+)/referral', component: () => import('./views/ReferralView.vue'), meta: { tab: 'tasks' } },
    { path: '/persons', component: () => import('./views/PersonsView.vue'), meta: { tab: 'persons' } },
    { path: '/persons/:id(\\d+)', component: () => import('./views/PersonDetailView.vue'), meta: { tab: 'persons' } },
    { path: '/persons/:id(\\d+)/check', component: () => import('./views/CheckFormView.vue'), meta: { tab: 'persons' } },
    { path: '/register', component: () => import('./views/RegisterView.vue'), meta: { tab: 'register' } },
    { path: '/checks', component: () => import('./views/ChecksView.vue'), meta: { tab: 'checks' } },
    { path: '/scan', component: () => import('./views/ScanView.vue'), meta: { tab: 'scan' } },
    { path: '/checkpoint/register', component: () => import('./views/CheckpointRegisterView.vue'), meta: { tab: 'checkpointRegister' } },
    { path: '/outbox', component: () => import('./views/OutboxView.vue'), meta: { tab: 'outbox' } },
    { path: '/me', component: () => import('./views/MeView.vue'), meta: { tab: 'me' } },
    { path: '/articles/:id(\\d+)', component: () => import('./views/ArticleView.vue'), meta: { tab: 'me' } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  const field = useField();
  if (!field.me) await field.load().catch(() => null);
  if (!field.me) {
    location.assign(`/login?next=${encodeURIComponent(`/field${to.fullPath}`)}`);
    return false;
  }
  if (to.path === '/') return field.home;
  return true;
});
