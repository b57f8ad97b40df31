// Task list query and the verification result form.
import { z } from '../http/zod.ts';
import { NearPoint } from '../geo/point.ts';
import { PersonCreate } from '../persons/schema.ts';
import { SEVERITIES } from '../persons/status.ts';

export const TaskListQuery = z.strictObject({
  kind: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(['verification', 'check', 'referral', 'self_report_overdue'])))
    .optional(),
  state: z.enum(['open', 'done', 'cancelled']).default('open'),
  mine: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
  near: NearPoint.optional(),
  page: z.coerce.number().int().min(1).max(10000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

export const Verification = z
  .strictObject({
    outcome: z.enum(['mistaken', 'register', 'refer']).openapi({ description: 'mistaken: 情况有误结案; register: onto the watch list; refer: to a designated hospital' }),
    reason: z.string().trim().min(1).max(500),
    hospital: z.string().trim().min(1).max(100).optional(),
    person: PersonCreate.omit({ source: true, status: true, severity: true }).partial({ name: true }).optional()
      .openapi({ description: 'The person form; a field left out is taken from the report: name, phone, ID number (and an enterprise declaration\'s sex, native place, Hubei history), address, location, reported symptoms as conditions and conditionNote' }),
    deviceTime: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'refer' && !v.hospital) ctx.addIssue({ code: 'custom', path: ['hospital'], message: 'a referral names the designated hospital' });
    if (v.outcome === 'mistaken' && v.person) ctx.addIssue({ code: 'custom', path: ['person'], message: 'a mistaken report registers no one' });
  })
  .openapi('Verification');
export type Verification = z.infer<typeof Verification>;

export const ReferralResult = z
  .strictObject({
    outcome: z.enum(['admitted', 'confirmed', 'excluded']).openapi({
      description: 'admitted: taken in by the hospital (watching → suspected); confirmed: a confirmed case (→ confirmed with severity); excluded: ruled out (suspected → watching)',
    }),
    hospital: z.string().trim().min(1).max(100).optional().openapi({ description: 'The designated hospital; required for admitted and confirmed' }),
    severity: z.enum(SEVERITIES).optional().openapi({ description: 'Required for confirmed' }),
    reason: z.string().trim().min(1).max(500),
    deviceTime: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.outcome !== 'excluded' && !v.hospital) ctx.addIssue({ code: 'custom', path: ['hospital'], message: `${v.outcome} names the designated hospital` });
    if (v.outcome === 'confirmed' && !v.severity) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'a confirmed case needs a severity (mild, severe or critical)' });
    if (v.outcome !== 'confirmed' && v.severity) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'severity applies only to confirmed' });
  })
  .openapi('ReferralResult');
export type ReferralResult = z.infer<typeof ReferralResult>;
