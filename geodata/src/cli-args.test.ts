import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from './cli-args.ts';

describe('geodata CLI arguments', () => {
  it('parses generate with defaults and options', () => {
    expect(parseCommand(['generate', '--size', 'demo'])).toEqual({
      command: 'generate', size: 'demo', tenantCode: 'demo', tenantName: '示范市', seed: undefined, now: undefined,
    });
    expect(parseCommand(['generate', '--size', 'city-L', '--tenant', 'bench', '--name', '大城市', '--seed', '9', '--now', '2020-02-15'])).toEqual({
      command: 'generate', size: 'city-L', tenantCode: 'bench', tenantName: '大城市', seed: 9, now: new Date('2020-02-15T00:00:00Z'),
    });
    expect(parseCommand(['generate', '--size', 'city-L'])).toMatchObject({ tenantCode: 'city-l' });
  });

  it('refuses bad arguments with a message naming them', () => {
    const bad: [string[], RegExp][] = [
      [[], /missing command/],
      [['frobnicate'], /unknown command/],
      [['generate'], /--size is required/],
      [['generate', '--size', 'huge'], /--size must be one of/],
      [['generate', '--size', 'demo', '--seed', 'x1'], /--seed must be an integer/],
      [['generate', '--size', 'demo', '--now', '2020-02-30'], /--now must be a date/],
      [['generate', '--size', 'demo', '--colour', 'red'], /colour/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseCommand(argv)).toThrow(UsageError);
      expect(() => parseCommand(argv)).toThrow(message);
    }
  });
});
