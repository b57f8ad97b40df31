// The manual registration form of a checkpoint (出入口摸排): people without a pass at an entrance.
import { Location } from '../geo/point.ts';
import { z } from '../http/zod.ts';
import { MobilePhoneInput, PLAIN_FIELDS } from '../persons/schema.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const CheckpointRegistration = z
  .strictObject({
    name: PLAIN_FIELDS.name.schema,
    idType: PLAIN_FIELDS.idType.schema.default('resident_id'),
    idNumber: z.string().trim().min(5).max(30),
    phone: MobilePhoneInput.openapi({ description: '11-digit mainland mobile number (spaces, hyphens and +86 are removed)' }),
    temperature: z.number().min(30).max(45).openapi({ description: '°C measured at the entrance, one decimal kept', example: 36.6 }),
    cameFrom: text(100).openapi({ description: 'Where the person came from (来自何处)', example: '湖北省武汉市' }),
    place: text(100).openapi({ description: 'The entrance', example: '东一社区北门' }),
    location: Location.openapi({ description: 'Where the person is registered on the watch list (must lie in your jurisdiction)' }),
    deviceTime: z.iso.datetime({ offset: true }).optional().openapi({ description: 'The phone\'s clock when the form was filled' }),
  })
  .openapi('CheckpointRegistration');
export type CheckpointRegistration = z.infer<typeof CheckpointRegistration>;

export const CheckpointRegistrationResult = z
  .object({
    reportId: z.number(),
    person: z.object({ id: z.number(), name: z.string(), status: z.string(), idNumber: z.string().nullable(), phone: z.string().nullable() }),
    personCreated: z.boolean(),
    statusChange: z.object({ from: z.string(), to: z.string() }).nullable(),
    fever: z.boolean(),
    temperature: z.number(),
    alertId: z.number().nullable(),
    taskId: z.number().nullable().openapi({ description: 'Verification task when the ID number belongs to a dead person\'s record' }),
    note: z.string(),
  })
  .openapi('CheckpointRegistrationResult');
