// What every feature receives: the database, configuration, logger and the PII cipher.
import type pino from 'pino';
import type { SmsProvider } from './citizens/sms.ts';
import type { Config } from './config.ts';
import type { PiiCipher } from './crypto/pii.ts';
import type { Database } from './db/database.ts';

export interface AppContext {
  db: Database;
  config: Config;
  log: pino.Logger;
  cipher: PiiCipher;
  sms: SmsProvider;
}
