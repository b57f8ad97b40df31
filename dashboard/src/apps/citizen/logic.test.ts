import { describe, expect, it } from 'vitest';
import { attemptFor, clock, formField, initialTenant, isMobilePhone, newIdempotencyKey, normalizeMobilePhone, parseTemperature, passRefreshDelayMs, secondsUntil, symptomsOf } from './logic';

describe('citizen app rules', () => {
  it('takes the tenant from the link, else the last one used, and only valid codes', () => {
    expect(initialTenant('demo', 'other')).toBe('demo');
    expect(initialTenant('Demo', null)).toBe('demo');
    expect(initialTenant('1bad', 'other')).toBe('other');
    expect(initialTenant(['demo', 'x'], 'other')).toBe('other');
    expect(initialTenant(undefined, 'x')).toBe('');
    expect(initialTenant(undefined, null)).toBe('');
  });

  it('takes a phone typed with spaces, hyphens or +86 as its 11 digits, and nothing else', () => {
    for (const typed of ['138 0013 8003', '138-0013-8003', '+86 138 0013 8003', '008613800138003']) {
      expect([isMobilePhone(typed), normalizeMobilePhone(typed)], typed).toEqual([true, '13800138003']);
    }
    for (const typed of ['138 0013 800', '8613800138003', '138.0013.8003']) expect(isMobilePhone(typed), typed).toBe(false);
  });

  it('makes a new idempotency key each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  it('counts down to an expiry and refreshes a pass 30 s before it, never sooner than 5 s', () => {
    const now = Date.parse('2026-11-25T08:00:00Z');
    expect(secondsUntil('2026-11-25T08:05:00Z', now)).toBe(300);
    expect(secondsUntil('2026-11-25T07:59:00Z', now)).toBe(0);
    expect(secondsUntil('garbage', now)).toBe(0);
    expect(clock(300)).toBe('5:00');
    expect(clock(61.9)).toBe('1:01');
    expect(clock(-3)).toBe('0:00');
    expect(passRefreshDelayMs('2026-11-25T08:05:00Z', now)).toBe(270_000);
    expect(passRefreshDelayMs('2026-11-25T08:00:20Z', now)).toBe(5_000);
  });

  it('points a server error at the input to change', () => {
    expect(formField('body.subjectPhone')).toBe('subjectPhone');
    expect(formField('location.lon')).toBe('location');
    expect(formField('idNumber')).toBe('idNumber');
    expect(formField(undefined)).toBeUndefined();
  });

  it('lists the symptoms of a reading and reads typed temperatures', () => {
    expect(symptomsOf({ fever: true, cough: false, fatigue: true, shortBreath: false })).toEqual(['fever', 'fatigue']);
    expect(parseTemperature('37,25')).toBe(37.3);
    expect(parseTemperature(' 36.6 ')).toBe(36.6);
    expect(parseTemperature('')).toBeNull();
    expect(parseTemperature('abc')).toBeNull();
  });

  it('retries unchanged content with the first attempt (same key, same clock) and changed content with a new key', () => {
    let n = 0;
    const key = () => `key-${++n}`;
    const first = attemptFor(null, { subjectName: '王', deviceTime: '2026-11-25T08:00:00Z' }, key);
    const retry = attemptFor(first, { subjectName: '王', deviceTime: '2026-11-25T08:00:09Z' }, key);
    expect(retry).toBe(first);
    expect(retry.body.deviceTime).toBe('2026-11-25T08:00:00Z');
    const changed = attemptFor(first, { subjectName: '李', deviceTime: '2026-11-25T08:01:00Z' }, key);
    expect(changed.key).toBe('key-2');
    expect(changed.body.subjectName).toBe('李');
  });
});
