// The signed-in resident (GET /api/citizen/me decides) and the city they last signed in to.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '@shared/api/client';
import { citizenApi, type CitizenMe } from '../api';

const TENANT_KEY = 'gec.citizen.tenant';

export function savedTenant(): string | null {
  try {
    return localStorage.getItem(TENANT_KEY);
  } catch {
    return null;
  }
}

export const useCitizen = defineStore('citizen', () => {
  const me = ref<CitizenMe | null>(null);
  const checked = ref(false);

  async function load(): Promise<CitizenMe | null> {
    try {
      me.value = await citizenApi.get<CitizenMe>('/api/citizen/me');
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      me.value = null;
    }
    checked.value = true;
    return me.value;
  }

  async function requestCode(tenant: string, phone: string): Promise<void> {
    await citizenApi.post('/api/citizen/sms-code', { tenant, phone });
  }

  async function login(tenant: string, phone: string, code: string): Promise<void> {
    me.value = await citizenApi.post<CitizenMe>('/api/citizen/login', { tenant, phone, code });
    try {
      localStorage.setItem(TENANT_KEY, tenant);
    } catch {
      // private mode: the link's ?tenant= still works
    }
  }

  async function logout(): Promise<void> {
    await citizenApi.post('/api/citizen/logout').catch(() => undefined);
    me.value = null;
  }

  /** After binding: the session now carries the person. */
  const bound = (personId: number) => me.value && (me.value.personId = personId);

  return { me, checked, load, requestCode, login, logout, bound };
});
