// Who is signed in and what they may see. The server still decides every request.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, ApiError } from '../api/client';
import type { Me } from '../api/types';

export const useSession = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const checked = ref(false);

  async function load(): Promise<Me | null> {
    try {
      me.value = await api.get<Me>('/api/auth/me');
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      me.value = null;
    }
    checked.value = true;
    return me.value;
  }

  async function login(username: string, password: string): Promise<void> {
    await api.post<Me>('/api/auth/login', { username, password });
    // /me carries the same principal; read it back so the permissions are the ones of the session.
    await load();
  }

  async function logout(): Promise<void> {
    await api.post('/api/auth/logout').catch(() => undefined);
    me.value = null;
  }

  return { me, checked, load, login, logout };
});

/** What to show for the signed-in user (one place, as in CONVENTIONS.md). */
export function useAccess() {
  const session = useSession();
  const can = (permission: string) => computed(() => session.me?.permissions.includes(permission) ?? false);
  return {
    canViewDashboard: can('dashboard:view'),
    canReveal: can('person:reveal'),
    canSeeHouseholds: can('household:read'),
    canSeeTasks: can('task:read'),
  };
}
