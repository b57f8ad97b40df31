// The tenant's public pass keys, refreshed at every online start of a checkpoint's app and kept on
// the phone, so passes can be verified without network (offline/passes.ts). Apart from the
// verification, so the app's first download does not carry jose.
import { api, qs } from '@shared/api/client';
import { cachePut } from './db';

export const PASS_KEYS = 'pass-keys';

export async function refreshPassKeys(userId: number, tenant: string): Promise<void> {
  await cachePut(userId, PASS_KEYS, await api.get<unknown>(`/api/passes/keys${qs({ tenant })}`));
}
