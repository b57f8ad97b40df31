// Argument parsing of the geodata CLI, kept apart from main() so it can be tested.
import { parseArgs } from 'node:util';
import { isSizeName, SIZES, type SizeName } from './generate/sizes.ts';

export const USAGE = `usage: npm run geodata -- generate --size ${Object.keys(SIZES).join('|')} [--tenant CODE] [--name NAME] [--seed N] [--now YYYY-MM-DD]

  --size     city size: demo (48 grids), city-L (10,000 grids, 1M households), tiny (tests)
  --tenant   code of the tenant to create (default: demo for demo, else the size name in lower case)
  --name     display name of the tenant (default: 示范市)
  --seed     integer seed; the same seed and --now give the same city (default 20200123)
  --now      reference day the four weeks of history end at (default: today, UTC)`;

export class UsageError extends Error {}

export interface GenerateCommand {
  command: 'generate';
  size: SizeName;
  tenantCode: string;
  tenantName: string;
  seed?: number;
  now?: Date;
}

export type Command = GenerateCommand | { command: 'help' };

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        size: { type: 'string' },
        tenant: { type: 'string' },
        name: { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { command: 'help' };
  if (positionals.length !== 1 || positionals[0] !== 'generate') {
    throw new UsageError(positionals.length ? `unknown command "${positionals.join(' ')}"` : 'missing command "generate"');
  }
  if (!values.size) throw new UsageError('--size is required');
  if (!isSizeName(values.size)) throw new UsageError(`--size must be one of ${Object.keys(SIZES).join(', ')}, not "${values.size}"`);
  return {
    command: 'generate',
    size: values.size,
    tenantCode: values.tenant ?? (values.size === 'demo' ? 'demo' : values.size.toLowerCase()),
    tenantName: values.name ?? '示范市',
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
    now: values.now === undefined ? undefined : parseDay(values.now),
  };
}

function parseSeed(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295, not "${text}"`);
  return Number(text);
}

function parseDay(text: string): Date {
  const day = new Date(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) {
    throw new UsageError(`--now must be a date YYYY-MM-DD, not "${text}"`);
  }
  return day;
}
