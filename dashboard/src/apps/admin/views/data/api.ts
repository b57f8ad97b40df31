// The person import API as the data screens read it (api/src/person-data; README "Person data").
import { request } from '@shared/api/client';

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
  return (await request<PersonImport>('POST', '/api/persons/imports', form)).body;
}
