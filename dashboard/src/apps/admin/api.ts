// The boundary API as the admin console reads it (api/src/boundaries; README "Boundaries").
import { ApiError } from '@shared/api/client';
import { savedLocale } from '@shared/i18n';

export type StatedCrs = 'wgs84' | 'gcj02' | 'bd09';
export interface BoundaryMapping {
  level: { property: string } | { fixed: 1 | 2 | 3 | 4 | 5 };
  code: string;
  name: string;
  parentCode?: string;
}

export interface Problem {
  id: string;
  severity: 'error' | 'warning';
  problem: string;
  featureIndex: number | null;
  code: string | null;
  otherCode?: string | null;
  areaM2?: number | null;
  location?: [number, number] | null;
  message: string;
  repairable?: boolean;
}

export interface ImportReport {
  file: { name: string; format: string; crs: { stated: StatedCrs; detected: string | null; used: string }; features: number; propertyNames: string[] };
  mapping: BoundaryMapping;
  thresholds: { sliverM2: number; overlapToleranceM2: number };
  counts: { byLevel: Record<string, number>; errors: number; warnings: number };
  problems: Problem[];
  repairs: { featureIndex: number; code: string | null; accepted: boolean | null }[];
  diff: {
    added: { code: string; name: string; level: number }[];
    removed: { code: string; name: string; level: number }[];
    renamed: { code: string; from: string; to: string }[];
    moved: { code: string; fromParent: string | null; toParent: string | null }[];
    reshaped: number;
  };
  impact: { households: { changeGrid: number; loseGrid: number }; persons: { changeGrid: number; loseGrid: number } };
  pinned: { users: { id: number; username: string; displayName: string; code: string; nodeName: string }[]; openTasks: number; rules: number };
  canApply: boolean;
  needsWarningsAccepted: boolean;
}

export interface BoundaryImport {
  id: number;
  status: 'invalid' | 'valid' | 'applied' | 'superseded';
  report: ImportReport;
}

export interface AppliedVersion {
  versionId: number;
  number: number;
  counts: { nodes: number; byLevel: Record<string, number> };
  moved: { households: number; persons: number };
}

export interface BoundaryVersion {
  id: number;
  number: number;
  createdAt: string;
  createdBy: string | null;
  source: 'initial' | 'import' | 'rollback';
  importId: number | null;
  counts: { nodes: number; byLevel: Record<string, number> };
  diff: { added: number; removed: number; renamed: number; moved: number; reshaped: number } | null;
  current: boolean;
}

/**
 * Uploads a boundary file as multipart form data, reporting progress (fetch cannot report an
 * upload's progress; XMLHttpRequest can). Errors carry the server's code, message and field.
 */
export function uploadBoundaryFile(form: FormData, onProgress: (fraction: number) => void): Promise<BoundaryImport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/boundaries/imports');
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    // messages and problems in the user's language (api/src/http/lang.ts), as the shared client sends
    xhr.setRequestHeader('accept-language', savedLocale());
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error('network'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: reported below by status
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as BoundaryImport);
      const e = (body as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
      reject(new ApiError(xhr.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${xhr.status}`, e?.field));
    };
    xhr.send(form);
  });
}
