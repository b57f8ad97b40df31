// Valid person bodies for tests.
import { makeResidentId } from '../persons/idnumber.ts';

let seq = 0;

/** A day in Shanghai counted from today. */
function shanghaiDay(offsetDays: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + offsetDays * 86_400_000));
}
// The default observation window holds both the fixed days some job tests run on (20 November to
// 4 December 2026) and the days around today: with fixed dates alone it closed under the tests.
const minDay = (a: string, b: string) => (a < b ? a : b);
const maxDay = (a: string, b: string) => (a > b ? a : b);

export function personBody(location: { lon: number; lat: number }, extra: Record<string, unknown> = {}) {
  seq++;
  const sex = seq % 2 ? 'male' : 'female';
  return {
    name: `测试${seq}号`,
    idNumber: makeResidentId('420106', `19${String(50 + (seq % 49)).padStart(2, '0')}-0${1 + (seq % 9)}-1${seq % 10}`, (process.pid + seq * 13) % 1000, sex),
    phone: `138${String(10_000_000 + ((process.pid * 7919 + seq * 104_729) % 89_999_999)).slice(0, 8)}`,
    source: 'grid_survey',
    address: `测试市东区东一街道${seq}号楼${seq % 6}单元${100 + seq}`,
    location,
    observationMode: 'home',
    observationStart: minDay('2026-11-20', shanghaiDay(-10)),
    observationEnd: maxDay('2026-12-04', shanghaiDay(4)),
    ...extra,
  };
}

interface HttpClient {
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

/** A status change as a client makes it: with the version of the person it has just read. */
export async function moveStatus(client: HttpClient, personId: number, body: Record<string, unknown>, headers?: Record<string, string>) {
  const read = await client.get(`/api/persons/${personId}`);
  return client.post(`/api/persons/${personId}/status`, { ...body, version: read.body?.version ?? 1 }, headers);
}

/** The person's version as the client reads it now. */
export async function versionOf(client: HttpClient, personId: number): Promise<number> {
  return (await client.get(`/api/persons/${personId}`)).body?.version ?? 1;
}
