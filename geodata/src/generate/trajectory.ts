// Where a person came from and how they were found: arrival category, transport, trip numbers, sources.
import type { Rng } from './prng.ts';

export type Source =
  | 'cdc' | 'self_declared' | 'three_person_team' | 'grid_survey' | 'checkpoint'
  | 'citizen_report' | 'close_contact' | 'enterprise' | 'doctor_survey' | 'other';

/** Reason text of the 'created' event, by source. */
export const SOURCE_REASONS: Record<Source, string> = {
  cdc: '疾控中心推送名单登记',
  self_declared: '居民自主申报登记',
  three_person_team: '三人小组上门排查登记',
  grid_survey: '网格员入户排查登记',
  checkpoint: '交通卡口登记',
  citizen_report: '群众举报核实后登记',
  close_contact: '密切接触者追踪登记',
  enterprise: '企业报备登记',
  doctor_survey: '社区医生排查登记',
  other: '其他渠道登记',
};

export type ArrivalCategory = 'resident' | 'new_arrival' | 'returning_worker';
export type Transport = 'plane' | 'train' | 'coach' | 'car' | 'ship' | 'other';

export interface Arrival {
  arrivalCategory: ArrivalCategory;
  arrivedAt: string | null;
  arrivalTransport: Transport | null;
  arrivalTripNo: string | null;
}

const DAY = 86_400_000;
const CHINA_OFFSET = 8 * 3_600_000;

/** Calendar date (YYYY-MM-DD) of an instant in China Standard Time. */
export function dateOf(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET).toISOString().slice(0, 10);
}

export function drawArrivalCategory(rng: Rng): ArrivalCategory {
  return rng.weighted([['resident', 60], ['new_arrival', 20], ['returning_worker', 20]] as const);
}

const AIRLINES = ['CZ', 'MU', 'CA', 'HU', '3U', 'ZH', 'MF', 'FM'];
const PROVINCES = ['鄂', '鄂', '鄂', '豫', '湘', '赣', '皖', '渝', '川', '粤', '浙'];
const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

function plate(rng: Rng): string {
  let tail = '';
  for (let i = 0; i < 5; i++) tail += PLATE_CHARS[rng.int(0, PLATE_CHARS.length - 1)];
  return `${rng.pick(PROVINCES)}${String.fromCharCode(65 + rng.int(0, 12))}·${tail}`;
}

function tripNo(rng: Rng, transport: Transport): string | null {
  switch (transport) {
    case 'train':
      return rng.pick(['G', 'G', 'D', 'K', 'Z', 'T']) + rng.int(10, 2999);
    case 'plane':
      return rng.pick(AIRLINES) + rng.int(1000, 9999);
    case 'coach':
    case 'car':
      return plate(rng);
    case 'ship':
      return `长江${rng.int(1, 60)}号`;
    case 'other':
      return null;
  }
}

/** Arrival details for non-residents, arriving up to ten days before registration. */
export function arrival(rng: Rng, category: ArrivalCategory, registeredAt: Date): Arrival {
  if (category === 'resident') return { arrivalCategory: category, arrivedAt: null, arrivalTransport: null, arrivalTripNo: null };
  const transport = rng.weighted([['train', 40], ['car', 25], ['plane', 14], ['coach', 15], ['ship', 2], ['other', 4]] as const);
  return {
    arrivalCategory: category,
    arrivedAt: dateOf(new Date(registeredAt.getTime() - rng.int(0, 10) * DAY)),
    arrivalTransport: transport,
    arrivalTripNo: tripNo(rng, transport),
  };
}
