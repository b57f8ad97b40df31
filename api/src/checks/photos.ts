// Photos of checks: uploaded as base64 JSON (the API takes JSON bodies only), checked by content,
// stored by content hash, and served only to callers who can see the person.
import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.ts';
import type { AppContext } from '../context.ts';
import type { Scoped } from '../db/scope.ts';
import { badRequest, notFound, unprocessable } from '../http/errors.ts';
import * as q from './queries.ts';
import type { FileUpload } from './schema.ts';
import { detectImage, FileSystemStorage, MAX_PHOTO_BYTES, photoKey, type Storage } from './storage.ts';

const storages = new WeakMap<AppContext, Storage>();

/** The storage of an app: files under DATA_DIR unless another was set (setStorage). */
export function storageOf(app: AppContext): Storage {
  let s = storages.get(app);
  if (!s) storages.set(app, (s = new FileSystemStorage(app.config.dataDir)));
  return s;
}

export function setStorage(app: AppContext, storage: Storage): void {
  storages.set(app, storage);
}

const fileView = (r: Record<string, any>) => ({
  id: r.id, personId: r.person_id, sha256: r.sha256, mime: r.mime, size: r.size, url: `/api/files/${r.id}`, createdAt: r.created_at,
});

export async function uploadPhoto(app: AppContext, scoped: Scoped, user: Principal, input: FileUpload) {
  const data = Buffer.from(input.content, 'base64');
  if (data.length > MAX_PHOTO_BYTES) {
    throw badRequest(`content is ${(data.length / 1048576).toFixed(1)} MB; a photo may be at most ${MAX_PHOTO_BYTES / 1048576} MB`, 'content')
      .withZh(`照片为 ${(data.length / 1048576).toFixed(1)} MB，最大 ${MAX_PHOTO_BYTES / 1048576} MB`);
  }
  const mime = detectImage(data);
  if (!mime) throw badRequest('content must be a JPEG, PNG or WebP image (recognised by its bytes, not its name)', 'content').withZh('照片须为 JPEG、PNG 或 WebP 图像');
  const sha256 = createHash('sha256').update(data).digest('hex');
  const key = photoKey(user.tenantId, sha256);
  const row = await scoped(async (tx) => {
    if (!(await tx.one(q.personForCheck(user.tenantId, input.personId)))) {
      throw unprocessable('personId does not name a person in your jurisdiction', 'personId').withZh('该人员不在您的辖区内');
    }
    // Stored before the row commits; a row never points at missing bytes, and bytes without a
    // row (a failed commit) are harmless: the key is the content hash.
    await storageOf(app).put(key, data);
    return (await tx.one(q.insertFile(user.tenantId, input.personId, sha256, mime, data.length, key, user.userId)))!;
  });
  return fileView(row);
}

/** The bytes of a photo if the caller can see its person (row-level security decides). */
export async function readPhoto(app: AppContext, scoped: Scoped, user: Principal, id: number): Promise<{ mime: string; data: Buffer }> {
  const row = await scoped((tx) => tx.one<{ mime: string; storage_key: string }>(q.fileById(user.tenantId, id)));
  if (!row) throw notFound('file');
  const data = await storageOf(app).get(row.storage_key);
  if (!data) throw notFound('file content');
  return { mime: row.mime, data };
}
