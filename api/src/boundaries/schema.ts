// Inputs and outputs of /api/boundaries, declared once for validation and the OpenAPI document.
import { z } from '../http/zod.ts';

const Level = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);
const Property = z.string().min(1).max(100);

export const BoundaryMappingSchema = z
  .strictObject({
    level: z.union([z.strictObject({ property: Property }), z.strictObject({ fixed: Level })]),
    code: Property,
    name: Property,
    parentCode: Property.optional(),
  })
  .openapi('BoundaryMapping', { description: 'Which file property holds level (or one fixed level), code, name and parent code' });

export const UploadFields = z.strictObject({
  crs: z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84').openapi({ description: 'What the coordinates are where the file does not say (.prj, GeoJSON crs)' }),
  mapping: z.string().max(2000).optional().openapi({ description: 'BoundaryMapping as a JSON string; default: the tenant\'s saved mapping, else a guess from the property names' }),
  sliverM2: z.coerce.number().min(0).max(1e9).default(100).openapi({ description: 'A polygon smaller than this (m²) is a sliver (warning)' }),
  overlapToleranceM2: z.coerce.number().min(0).max(1e9).default(1).openapi({ description: 'Overlaps, gaps and areas outside the parent below this (m²) are warnings or ignored, above it errors' }),
});
export type UploadFields = z.infer<typeof UploadFields>;

export const RepairBody = z.strictObject({
  featureIndex: z.number().int().min(0),
  accept: z.boolean().openapi({ description: 'true: use ST_MakeValid\'s polygonal result; false: keep the geometry (it stays an error)' }),
});

const Reassign = z.array(z.strictObject({ userId: z.number().int().positive(), code: z.string().min(1).max(100) })).max(10_000);
export const ApplyBody = z.strictObject({
  acceptWarnings: z.boolean().default(false),
  reassign: Reassign.default([]).openapi({ description: 'For each account scoped to a node that would be removed: the code of its new node' }),
});
export type ApplyBody = z.infer<typeof ApplyBody>;

const Problem = z.object({
  id: z.string(),
  severity: z.enum(['error', 'warning']),
  problem: z.string(),
  featureIndex: z.number().nullable(),
  code: z.string().nullable(),
  otherCode: z.string().nullable().optional(),
  areaM2: z.number().nullable().optional(),
  location: z.tuple([z.number(), z.number()]).nullable().optional(),
  message: z.string(),
  repairable: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).optional().openapi({ description: 'What the message says, as values (reason, parts, levels, property, value …)' }),
});
const NodeRef = z.object({ code: z.string(), name: z.string(), level: z.number() });
const Counts = z.object({ nodes: z.number(), byLevel: z.record(z.string(), z.number()) });
const Impact = z.object({ changeGrid: z.number(), loseGrid: z.number() });

export const Report = z
  .object({
    file: z.object({
      name: z.string(),
      format: z.string(),
      crs: z.object({ stated: z.string(), detected: z.string().nullable(), used: z.string() }),
      features: z.number(),
      propertyNames: z.array(z.string()),
    }),
    mapping: BoundaryMappingSchema,
    thresholds: z.object({ sliverM2: z.number(), overlapToleranceM2: z.number() }),
    counts: z.object({ byLevel: z.record(z.string(), z.number()), errors: z.number(), warnings: z.number() }),
    problems: z.array(Problem),
    repairs: z.array(z.object({ featureIndex: z.number(), code: z.string().nullable(), accepted: z.boolean().nullable() })),
    diff: z.object({
      added: z.array(NodeRef),
      removed: z.array(NodeRef),
      renamed: z.array(z.object({ code: z.string(), from: z.string(), to: z.string() })),
      moved: z.array(z.object({ code: z.string(), fromParent: z.string().nullable(), toParent: z.string().nullable() })),
      reshaped: z.number(),
    }),
    impact: z.object({ households: Impact, persons: Impact }),
    pinned: z.object({ users: z.array(z.object({ id: z.number(), username: z.string(), displayName: z.string(), code: z.string(), nodeName: z.string() })), openTasks: z.number(), rules: z.number() }),
    canApply: z.boolean(),
    needsWarningsAccepted: z.boolean(),
  })
  .openapi('BoundaryImportReport');
export type Report = z.infer<typeof Report>;
export type ProblemOut = z.infer<typeof Problem>;

export const ImportCreated = z.object({ id: z.number(), status: z.enum(['invalid', 'valid']), report: Report });
export const ImportOut = z.object({
  id: z.number(),
  status: z.enum(['invalid', 'valid', 'applied', 'superseded']),
  fileName: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  report: Report,
});

export const Applied = z
  .object({ versionId: z.number(), number: z.number(), counts: Counts, moved: z.object({ households: z.number(), persons: z.number() }) })
  .openapi('BoundaryApplied');

export const VersionList = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      number: z.number(),
      createdAt: z.string(),
      createdBy: z.string().nullable(),
      source: z.enum(['initial', 'import', 'rollback']),
      importId: z.number().nullable(),
      counts: Counts,
      diff: z.object({ added: z.number(), removed: z.number(), renamed: z.number(), moved: z.number(), reshaped: z.number() }).nullable(),
      current: z.boolean(),
    }),
  ),
});
