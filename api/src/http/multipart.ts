// multipart/form-data for the few routes that take a file (declared with `multipart` on the route):
// one file part, read into memory while its size is checked as it streams, and a handful of small
// text fields. Every other route stays JSON-only (app.ts jsonOnly).
import busboy from 'busboy';
import type Koa from 'koa';
import { AppError, badRequest } from './errors.ts';

export interface MultipartSpec {
  /** Name of the one file part. */
  file: string;
  /** Largest file accepted, in bytes (read at each request, so tests can lower it). */
  maxBytes: () => number;
}

export interface UploadedFile {
  fileName: string;
  mimeType: string;
  data: Buffer;
}

/** Room for the text fields and part headers beside the file in a declared Content-Length. */
const FIELDS_ALLOWANCE = 1024 * 1024;
const LIMITS = { files: 1, fields: 20, parts: 21, fieldSize: 256 * 1024 };

/** A size as the Chinese messages give it: 20 MB, 256 KB, 900 字节. */
const sizeZh = (bytes: number) =>
  bytes >= 2 ** 20 ? `${+(bytes / 2 ** 20).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} 字节`;

const incomplete = (err: Error) =>
  badRequest(`malformed multipart body: ${err.message}`, 'body').withZh('上传的内容不完整或格式有误，请重新上传');

const tooLarge = (field: string, max: number) =>
  new AppError(413, 'too_large', `${field} is larger than ${max} bytes`, field, { Connection: 'close' }).withZh(`文件过大，最大 ${sizeZh(max)}`);

/** Reads the request as multipart/form-data: the text fields, and the file (required). */
export async function readMultipart(ctx: Koa.Context, spec: MultipartSpec): Promise<{ fields: Record<string, string>; file: UploadedFile }> {
  if (!ctx.is('multipart/form-data')) {
    throw new AppError(415, 'unsupported_media_type', 'request body must be multipart/form-data', 'body').withZh('请以 multipart/form-data 上传文件');
  }
  const max = spec.maxBytes();
  // A declared length far over the limit is refused before a byte is read.
  if (ctx.request.length && ctx.request.length > max + FIELDS_ALLOWANCE) throw tooLarge(spec.file, max);
  const { fields, file } = await parse(ctx, spec.file, max);
  if (!file) throw badRequest(`${spec.file} is required (a multipart file part named "${spec.file}")`, spec.file).withZh('请选择要上传的文件');
  return { fields, file };
}

function parse(ctx: Koa.Context, fileField: string, max: number): Promise<{ fields: Record<string, string>; file?: UploadedFile }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: UploadedFile | undefined;
    let failed = false;
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: ctx.req.headers, limits: { ...LIMITS, fileSize: max } });
    } catch (err) {
      reject(badRequest(`malformed multipart body: ${(err as Error).message}`, 'body'));
      return;
    }
    const fail = (err: AppError) => {
      if (failed) return;
      failed = true;
      // Stop parsing, but let the rest of the upload drain so the client reads the answer.
      ctx.req.unpipe(bb);
      ctx.req.resume();
      reject(err);
    };
    bb.on('file', (name, stream, info) => {
      if (name !== fileField || file) {
        stream.resume();
        fail(badRequest(`unexpected file part "${name}" (only one file, "${fileField}")`, name).withZh(`只能上传一个文件（表单字段 ${fileField}），多余的文件部分：${name}`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(tooLarge(fileField, max)));
      // a body that ends inside the file part errors on the file's stream, not only on busboy
      stream.on('error', (err: Error) => fail(incomplete(err)));
      stream.on('end', () => {
        // a file name is only ever shown and stored, never a path: control characters and slashes go
        const fileName = (info.filename ?? fileField).replace(/[\u0000-\u001F\u007F/\\]/g, '_');
        if (!failed) file = { fileName, mimeType: info.mimeType, data: Buffer.concat(chunks) };
      });
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(badRequest(`${name} is longer than ${LIMITS.fieldSize} bytes`, name).withZh(`表单字段 ${name} 超过 ${sizeZh(LIMITS.fieldSize)} 的长度上限`));
      else if (name in fields) fail(badRequest(`${name} is given twice`, name).withZh(`表单字段 ${name} 重复`));
      else fields[name] = value;
    });
    bb.on('filesLimit', () => fail(badRequest(`only one file may be uploaded (the part "${fileField}")`, 'body').withZh(`只能上传一个文件（表单字段 ${fileField}）`)));
    for (const event of ['partsLimit', 'fieldsLimit'] as const) {
      bb.on(event, () => fail(badRequest(`too many parts in the form (${event.replace('Limit', '')})`, 'body').withZh('表单的部分过多')));
    }
    bb.on('error', (err: Error) => fail(incomplete(err)));
    bb.on('close', () => {
      if (!failed) resolve({ fields, file });
    });
    ctx.req.on('error', (err) => fail(badRequest(`upload interrupted: ${err.message}`, fileField).withZh('上传中断，请重新上传')));
    ctx.req.pipe(bb);
  });
}
