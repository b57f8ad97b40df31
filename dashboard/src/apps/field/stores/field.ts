// Who is working and what the field app offers them: the tabs follow the permissions of the
// signed-in user (the server still decides every request). The profile is kept for offline starts.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, ApiError, NetworkError } from '@shared/api/client';
import type { Me } from '@shared/api/types';
import { fieldHome } from '@shared/auth/home';
import { clearCache } from '../offline/db';
import { primedMe } from '../prime';

const ME_KEY = 'gec.field.me';

export type Tab = 'tasks' | 'persons' | 'register' | 'checks' | 'scan' | 'checkpointRegister' | 'outbox' | 'me';

export const useField = defineStore('field', () => {
  const me = ref<Me | null>(null);
  /** True when the profile came from the phone, not the server (no network at start). */
  const offlineStart = ref(false);

  /** The signed-in user: from the server, or (no network) the profile saved at the last start. */
  async function load(): Promise<Me | null> {
    try {
      // Preloaded by the page while the code downloaded (prime.ts); asked again if that failed.
      me.value = (await primedMe()?.catch(() => undefined)) ?? (await api.get<Me>('/api/auth/me'));
      offlineStart.value = false;
      localStorage.setItem(ME_KEY, JSON.stringify(me.value));
    } catch (err) {
      if (err instanceof NetworkError) {
        const saved = localStorage.getItem(ME_KEY);
        me.value = saved ? (JSON.parse(saved) as Me) : null;
        offlineStart.value = Boolean(me.value);
      } else if (err instanceof ApiError && err.status === 401) me.value = null;
      else throw err;
    }
    return me.value;
  }

  async function logout(): Promise<void> {
    await api.post('/api/auth/logout').catch(() => undefined);
    localStorage.removeItem(ME_KEY);
    await clearCache().catch(() => undefined);
    me.value = null;
    location.assign('/login');
  }

  const can = (p: string) => me.value?.permissions.includes(p) ?? false;
  const tabs = computed<Tab[]>(() => {
    if (!me.value) return [];
    const t: Tab[] = [];
    if (can('task:work')) t.push('tasks');
    if (can('pass:scan')) t.push('scan', 'checkpointRegister');
    if (can('person:read')) t.push('persons');
    if (can('check:write')) t.push('checks');
    else if (can('person:write')) t.push('register');
    t.push('outbox', 'me');
    return t;
  });
  const home = computed(() => fieldHome(me.value?.permissions ?? []));
  /** Which registration a staff user makes (§3.2): a doctor's survey or a grid worker's patrol. */
  const registrationKind = computed(() => (can('check:write') ? 'doctor_survey' : 'patrol'));

  return { me, offlineStart, load, logout, can, tabs, home, registrationKind };
});
