// Optimistic concurrency for edits of a record: the client sends the version it saw (body
// `version`, or `If-Match` with the ETag a read gave it) and a change applies only to that version.
// Without it two people deciding on different screens would overwrite each other unseen.
import type Koa from 'koa';
import { AppError, badRequest } from './errors.ts';

/** The entity tag of a record's version, as `ETag` carries it. */
export const etagOf = (version: number) => `"${version}"`;

const TAG = /^(?:W\/)?"?(\d{1,9})"?$/;

/**
 * The version a change applies to: the body's `version` or `If-Match` (`"3"`, `W/"3"` or `3`);
 * both given must agree. Missing → 428, so no client changes a record blind.
 */
export function expectedVersion(ctx: Koa.Context | undefined, bodyVersion: number | undefined): number {
  const header = ctx?.get('if-match')?.trim();
  let fromHeader: number | undefined;
  if (header) {
    const m = TAG.exec(header);
    if (!m || Number(m[1]) < 1) throw badRequest('If-Match must be the ETag of a read of this record, such as "3"', 'If-Match');
    fromHeader = Number(m[1]);
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw badRequest(`If-Match (${fromHeader}) and version (${bodyVersion}) disagree`, 'version').withZh('If-Match 与 version 不一致');
  }
  const v = bodyVersion ?? fromHeader;
  if (v === undefined) {
    throw new AppError(428, 'version_required', 'version is required: send the version you last read (body version or If-Match), so a change made meanwhile is not overwritten', 'version')
      .withZh('缺少版本号：请提交您读取时的版本，以免覆盖他人期间所做的修改');
  }
  return v;
}

/** The version an edit names, from the body or If-Match, when naming it is optional (the organisation's records). */
export function optionalVersion(ctx: Koa.Context | undefined, bodyVersion: number | undefined): number | undefined {
  if (bodyVersion === undefined && !ctx?.get('if-match')?.trim()) return undefined;
  return expectedVersion(ctx, bodyVersion);
}

/** 409 when the record moved on since the client read it. */
export function checkVersion(what: string, current: number, expected: number): void {
  if (current !== expected) {
    throw new AppError(409, 'stale_version', `${what} was changed meanwhile (version ${current}, you sent ${expected}); reload and decide again`, 'version')
      .withZh(`该记录已被他人修改（当前版本 ${current}，您提交的是 ${expected}），请重新加载后再决定`);
  }
}
