// Report forms (§4.1.4 citizen report, §4.1.5 enterprise/school declaration) and staff registrations.
import { z } from '../http/zod.ts';
import { Location } from '../geo/point.ts';
import { MobilePhoneInput, PersonCreate } from '../persons/schema.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const deviceTime = z.iso.datetime({ offset: true }).optional().openapi({ description: 'Clock of the phone when the form was filled' });

export const CitizenReport = z
  .strictObject({
    kind: z.enum(['citizen', 'close_contact']).default('citizen'),
    subjectName: text(50),
    subjectPhone: MobilePhoneInput.optional(),
    fever: z.boolean().default(false),
    cough: z.boolean().default(false),
    fatigue: z.boolean().default(false),
    shortBreath: z.boolean().default(false),
    temperature: z.number().min(34).max(43).optional(),
    description: text(1000).optional(),
    location: Location,
    address: text(200),
    deviceTime,
  })
  .openapi('CitizenReport');
export type CitizenReport = z.infer<typeof CitizenReport>;

export const EnterpriseDeclaration = z
  .strictObject({
    name: text(50),
    sex: z.enum(['male', 'female']),
    idNumber: z.string().trim().min(15).max(18),
    hubeiHistory: z.boolean().openapi({ description: '是否有湖北旅居史' }),
    hubeiHistoryRecent: z.boolean().openapi({ description: '1月17日后是否有湖北旅居史' }),
    nativePlace: text(50),
    schoolName: text(100),
    grade: text(50),
    className: text(50),
    plannedReturnDate: z.iso.date(),
    returnTransport: z.enum(['plane', 'train', 'coach', 'car', 'ship', 'other']),
    location: Location,
    address: text(200),
    deviceTime,
  })
  .openapi('EnterpriseDeclaration');
export type EnterpriseDeclaration = z.infer<typeof EnterpriseDeclaration>;

export const Registration = z
  .strictObject({
    kind: z.enum(['checkpoint', 'patrol', 'doctor_survey']),
    person: PersonCreate.omit({ source: true, status: true, severity: true }).extend({ location: Location }),
    deviceTime,
  })
  .openapi('Registration');
export type Registration = z.infer<typeof Registration>;

export const ReportListQuery = z.strictObject({
  kind: z.enum(['citizen', 'close_contact', 'enterprise', 'checkpoint', 'patrol', 'doctor_survey']).optional(),
  state: z.enum(['open', 'closed', 'registered', 'referred']).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type ReportListQuery = z.infer<typeof ReportListQuery>;

/** Which source of the person register each report kind becomes. */
export const SOURCE_OF_KIND = {
  citizen: 'citizen_report',
  close_contact: 'close_contact',
  enterprise: 'enterprise',
  checkpoint: 'checkpoint',
  patrol: 'grid_survey',
  doctor_survey: 'doctor_survey',
} as const;

/** School, grade and class lists when the tenant has not configured its own (tenants.settings.enterprise). */
export const DEFAULT_ENTERPRISE_OPTIONS = {
  schools: [] as string[],
  grades: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '初一', '初二', '初三', '高一', '高二', '高三', '大一', '大二', '大三', '大四', '研究生', '教职工'],
  classes: Array.from({ length: 20 }, (_, i) => `${i + 1}班`),
};

const names = z
  .array(z.string().trim().min(1).max(100))
  .max(500)
  .refine((a) => new Set(a).size === a.length, 'names must differ');
export const EnterpriseOptions = z.strictObject({ schools: names, grades: names.min(1), classes: names.min(1) }).openapi('EnterpriseOptions');

export const ReportRevealRequest = z
  .strictObject({
    fields: z.array(z.enum(['subjectPhone', 'subjectIdNumber'])).min(1).max(2),
    reason: text(200),
  })
  .openapi('ReportRevealRequest');
