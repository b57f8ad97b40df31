// The person import API as the data screens read it (api/src/person-data; README "Person data").
import { ApiError } from '@shared/api/client';

export interface PersonImport {
  id: number;
  fileName: string;
  mode: 'all_or_nothing' | 'valid_rows';
  status: 'running' | 'done' | 'failed';
  phase: 'reading' | 'writing' | 'finished';
  rowsRead: number;
  valid: number;
  invalid: number;
  written: number;
  done: boolean;
  error: string | null;
  createdAt: string;
}

/** Uploads a workbook as multipart form data; errors carry the server's code, message and field. */
export async function uploadPersonWorkbook(form: FormData): Promise<PersonImport> {
  const res = await fetch('/api/persons/imports', { method: 'POST', body: form, credentials: 'same-origin', headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; field?: string } } | null;
  if (res.ok) return body as PersonImport;
  const e = body?.error;
  throw new ApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.field);
}
