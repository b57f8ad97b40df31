import { describe, expect, it } from 'vitest';
import { STATUSES, TRANSITIONS, checkTransition } from './status.ts';

describe('status machine', () => {
  it('follows the §4.1.7 path watch list → suspected → confirmed → cured/dead', () => {
    expect(checkTransition('watching', null, 'suspected', undefined).ok).toBe(true);
    expect(checkTransition('suspected', null, 'confirmed', 'mild').ok).toBe(true);
    expect(checkTransition('confirmed', 'mild', 'confirmed', 'critical').ok).toBe(true);
    expect(checkTransition('confirmed', 'critical', 'dead', undefined).ok).toBe(true);
    expect(checkTransition('confirmed', 'mild', 'cured', undefined).ok).toBe(true);
  });

  it('refuses skipping and leaving final states, naming what is allowed', () => {
    expect(checkTransition('watching', null, 'confirmed', 'mild')).toMatchObject({ ok: false, field: 'to', message: expect.stringContaining('allowed: suspected') });
    expect(checkTransition('dead', null, 'cured', undefined)).toMatchObject({ ok: false, message: expect.stringContaining('final') });
    expect(checkTransition('closed', null, 'watching', undefined).ok).toBe(false);
  });

  it('requires severity exactly for confirmed', () => {
    expect(checkTransition('suspected', null, 'confirmed', undefined)).toMatchObject({ ok: false, field: 'severity' });
    expect(checkTransition('watching', null, 'suspected', 'mild')).toMatchObject({ ok: false, field: 'severity' });
    expect(checkTransition('confirmed', 'mild', 'confirmed', 'mild')).toMatchObject({ ok: false, field: 'severity' });
  });

  it('has an entry for every status and only known targets', () => {
    for (const s of STATUSES) for (const t of TRANSITIONS[s]) expect(STATUSES).toContain(t);
  });
});
