// zod with the OpenAPI extension applied; every schema module imports z from here so that
// .openapi() exists before any schema is built.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
