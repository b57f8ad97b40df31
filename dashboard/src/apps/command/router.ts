// Routes of the command center: /command (wall screen), /m (phone), /persons/:id. Every route needs
// a session (else the shared sign-in page at /login) and dashboard:view (App.vue shows the no-access
// screen otherwise).
import { createRouter, createWebHistory } from 'vue-router';
import { fetchMapConfig } from '@shared/map/config';
import { primeFirstView } from './map/prime';
import { commandLayout } from './views/commandLayout';
import { useCommand } from './stores/command';
import { useSession } from '@shared/stores/session';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/command', component: () => import('./views/CommandView.vue'), meta: { dashboard: true } },
    { path: '/m', component: () => import('./views/PhoneView.vue'), meta: { dashboard: true } },
    { path: '/persons/:id(\\d+)', component: () => import('./views/PersonView.vue'), meta: { dashboard: true } },
    { path: '/:rest(.*)*', redirect: '/command' },
  ],
});

/**
 * The map code (maplibre, deck.gl: 2.4 MB), fetched before the view that shows it asks for it.
 * Evaluating it holds the main thread for a few hundred milliseconds, so on a first visit it is
 * started right after the first view's data has been asked for, not before.
 */
const loadMapCode = () => void import('./map/MapView.vue').catch(() => undefined);

router.beforeEach(async (to) => {
  const session = useSession();
  if (!session.checked) await session.load().catch(() => null);
  if (!session.me) {
    // The sign-in page is another app: a full navigation, back here afterwards.
    location.assign(to.fullPath === '/command' ? '/login' : `/login?next=${encodeURIComponent(to.fullPath)}`);
    return false;
  }
  if (session.me.permissions.includes('dashboard:view')) {
    const command = useCommand();
    const withMap = to.path === '/command' || to.path === '/m';
    // Not awaited: the view's code loads meanwhile, and the map waits for the scope's bounds.
    if (!command.roots.length && !command.initializing) {
      void command
        .init()
        .then(() => {
          // The wall screen's first view is known from the window size: its data is asked for
          // now, while the map code loads. (The phone view asks once it is laid out.)
          if (to.path === '/command') {
            const layout = commandLayout(window.innerWidth, window.innerHeight);
            primeFirstView(layout.map.width, layout.map.height, { padding: layout.padding, pixelScale: layout.scale });
          }
        })
        .catch((err) => console.warn('scope', err))
        .finally(() => withMap && loadMapCode());
    } else if (withMap) loadMapCode();
    void fetchMapConfig();
  }
  return true;
});
