// zod with the OpenAPI extension applied; every schema module imports z from here so that
// .openapi() exists before any schema is built.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

const ZH = new Map<string, string>();

/**
 * A schema's own message with its Chinese: the schema keeps the English, and a refusal to a zh-CN
 * request (errors.ts fromZod) reads the Chinese from here.
 */
export function said(en: string, zh: string): string {
  ZH.set(en, zh);
  return en;
}

/** The Chinese of a schema's own message, if it was given with said(). */
export const zhOf = (message: string): string | undefined => ZH.get(message);

export { z };
