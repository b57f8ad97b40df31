// Signs a citizen in through the SMS flow of the log provider.
import type { LogSmsProvider } from '../citizens/sms.ts';
import type { Client, TestApp } from './harness.ts';

let n = 0;
export const newPhone = () => `137${String(process.pid % 10000).padStart(4, '0')}${String(n++).padStart(4, '0')}`;

export async function citizenClient(t: TestApp, tenant: string, phone = newPhone()): Promise<Client> {
  const c = t.client();
  const sent = await c.post('/api/citizen/sms-code', { tenant, phone });
  if (sent.status !== 202) throw new Error(`sms-code: ${sent.status} ${JSON.stringify(sent.body)}`);
  const code = /验证码 (\d{6})/.exec((t.app.sms as LogSmsProvider).lastMessage(phone) ?? '')?.[1];
  const r = await c.post('/api/citizen/login', { tenant, phone, code });
  if (r.status !== 200) throw new Error(`citizen login: ${r.status} ${JSON.stringify(r.body)}`);
  return c;
}
