// API shapes of checks, self-reports, rules, photos and release (requirements §4.1.6, §4.1.8).
import { Location, NearPoint } from '../geo/point.ts';
import { said, z } from '../http/zod.ts';
import { versionField } from '../persons/schema.ts';
import { isTimeZone } from '../time-zone.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const date = z.iso.date();
const id = z.number().int().positive();
const temperature = z
  .number()
  .min(30)
  .max(45)
  .refine((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-9, 'at most one decimal, like 37.3')
  .openapi({ example: 36.6, description: 'Body temperature in °C' });

/** Symptoms and temperature: the reading both doctors and residents record. */
const vitals = {
  fever: z.boolean().default(false).openapi({ description: 'Feels feverish (发热)' }),
  cough: z.boolean().default(false).openapi({ description: '咳嗽' }),
  fatigue: z.boolean().default(false).openapi({ description: '乏力' }),
  shortBreath: z.boolean().default(false).openapi({ description: '气促' }),
  temperature,
  location: Location.optional().openapi({ description: 'Where the reading was taken (phone GPS)' }),
  addressDetail: text(200).optional(),
  description: text(500).optional(),
  deviceTime: z.iso.datetime({ offset: true }).optional().openapi({ description: 'The phone\'s clock when the reading was taken' }),
};

export const DoctorCheck = z
  .strictObject({
    ...vitals,
    photoId: id.optional().openapi({ description: 'A photo uploaded with POST /api/files for this person' }),
    taskId: id.optional().openapi({ description: 'The check or referral task this visit completes' }),
  })
  .openapi('DoctorCheck');
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const SelfReport = z.strictObject(vitals).openapi('SelfReport');
export type SelfReport = z.infer<typeof SelfReport>;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const page = {
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};

export const CheckListQuery = z
  .strictObject({
    personId: z.coerce.number().int().positive().optional(),
    kind: z.enum(['doctor', 'self']).optional(),
    from: date.optional().openapi({ description: 'Recorded on or after (YYYY-MM-DD, tenant time zone)' }),
    to: date.optional().openapi({ description: 'Recorded on or before (YYYY-MM-DD, tenant time zone)' }),
    abnormal: bool.optional(),
    mine: bool.default(false).openapi({ description: 'Only the checks the caller recorded (the doctor\'s "my checks")' }),
    ...page,
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' });
export type CheckListQuery = z.infer<typeof CheckListQuery>;

export const PageQuery = z.strictObject(page);
export type PageQuery = z.infer<typeof PageQuery>;

export const NearbyQuery = z.strictObject({
  near: NearPoint,
  kind: z.enum(['check', 'referral']).default('check'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type NearbyQuery = z.infer<typeof NearbyQuery>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:00');

export const CHECK_STATUSES = ['watching', 'suspected', 'confirmed', 'cured', 'released'] as const;

export const CheckRules = z
  .strictObject({
    statuses: z.array(z.enum(CHECK_STATUSES)).min(1).max(5).openapi({ description: 'Statuses of persons who get check tasks' }),
    checkTimes: z
      .array(hhmm)
      .min(1)
      .max(6)
      .refine((a) => new Set(a).size === a.length, 'times must differ')
      .openapi({ description: 'Local times of the daily checks; their count is the number of checks a day', example: ['09:00', '15:00'] }),
    observationDays: z.number().int().min(1).max(60).openapi({ description: 'Observation length for persons without an observation end date' }),
    feverThreshold: temperature.refine((v) => v >= 36 && v <= 40, 'between 36.0 and 40.0').openapi({ example: 37.3 }),
    selfReportOverdueHours: z.number().int().min(1).max(168),
    timezone: z.string().refine(isTimeZone, said('an IANA time zone like Asia/Shanghai', '须为 IANA 时区名称，如 Asia/Shanghai')),
  })
  .openapi('CheckRules');
export type CheckRules = z.infer<typeof CheckRules>;

export const FileUpload = z
  .strictObject({
    personId: id,
    content: z
      .string()
      .min(1)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 (standard alphabet, no data: prefix)')
      .openapi({ description: 'The image bytes, base64; JPEG, PNG or WebP, recognised by content' }),
  })
  .openapi('FileUpload');
export type FileUpload = z.infer<typeof FileUpload>;

export const Release = z
  .strictObject({
    noticeNo: text(50).optional().openapi({ description: 'Number of the release notice (解除隔离通知书)' }),
    reason: text(500).default('观察期满，无异常，解除隔离'),
    version: versionField,
  })
  .openapi('Release');
export type Release = z.infer<typeof Release>;

export const AlertListQuery = z.strictObject({
  open: bool.default(true).openapi({ description: 'Only alerts not yet acknowledged' }),
  ...page,
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

export const OverdueRelease = z
  .strictObject({
    selfReportOverdueHours: z.number().int().min(1).max(168).openapi({ description: 'A bound resident without a self-report for this long gets an overdue task for their grid worker' }),
    referralDueHours: z.number().int().min(1).max(72).openapi({ description: 'Hours a referral task (after an abnormal reading) has before it is overdue' }),
    observationDays: z.number().int().min(1).max(60).openapi({ description: 'Observation length for persons without an end date of their own; release is possible when it has passed without an abnormal reading' }),
  })
  .openapi('OverdueRelease');
export type OverdueRelease = z.infer<typeof OverdueRelease>;
