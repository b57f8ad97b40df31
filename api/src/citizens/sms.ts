// SMS delivery behind one interface: the log provider for development and demos, an HTTP
// provider (JSON POST to a gateway) for real deployments.
import type pino from 'pino';
import type { Config } from '../config.ts';

export interface SmsProvider {
  send(phone: string, text: string): Promise<void>;
}

/** Writes the message to the server log; remembers the last text per phone for tests and demos. */
export class LogSmsProvider implements SmsProvider {
  private readonly last = new Map<string, string>();
  constructor(private readonly log: pino.Logger) {}

  async send(phone: string, text: string): Promise<void> {
    this.last.set(phone, text);
    this.log.info({ phone, text }, 'sms (log provider)');
  }

  lastMessage(phone: string): string | undefined {
    return this.last.get(phone);
  }
}

/** POSTs {phone, text} as JSON to SMS_HTTP_URL with an optional bearer token. */
export class HttpSmsProvider implements SmsProvider {
  constructor(
    private readonly url: string,
    private readonly token?: string,
  ) {}

  async send(phone: string, text: string): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ phone, text }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  }
}

export function createSmsProvider(config: Config, log: pino.Logger): SmsProvider {
  return config.sms.provider === 'http' ? new HttpSmsProvider(config.sms.url!, config.sms.token) : new LogSmsProvider(log);
}
