import { describe, expect, it } from 'vitest';
import { ageOn, idCheckDigit, isMobilePhone, makeResidentId, normalizeContactPhone, normalizeMobilePhone, parseResidentId } from './idnumber.ts';

describe('resident ID (GB 11643)', () => {
  it('computes the published check digit', () => {
    // Worked example of the standard: 11010519491231002X
    expect(idCheckDigit('11010519491231002')).toBe('X');
    expect(parseResidentId('11010519491231002X')).toEqual({
      ok: true,
      info: { region: '110105', birthDate: '1949-12-31', sex: 'female' },
    });
  });

  it('names the reason a number is refused', () => {
    expect(parseResidentId('11010519491231002')).toMatchObject({ ok: false, reason: expect.stringContaining('18') });
    expect(parseResidentId('110105194912310021')).toMatchObject({ ok: false, reason: expect.stringContaining('check digit') });
    expect(parseResidentId('110105194902300021')).toMatchObject({ ok: false, reason: expect.stringContaining('birth date') });
    expect(parseResidentId('420106209901010011', new Date('2026-01-01'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('future'),
    });
  });

  it('builds numbers that validate with the requested sex', () => {
    for (let i = 0; i < 200; i++) {
      const sex = i % 2 ? 'male' : 'female';
      const id = makeResidentId('420106', '1988-02-29', i * 7, sex);
      const r = parseResidentId(id);
      expect(r.ok && r.info.sex).toBe(sex);
    }
  });

  it('counts whole years', () => {
    expect(ageOn('1990-03-07', new Date('2026-03-06T00:00:00Z'))).toBe(35);
    expect(ageOn('1990-03-07', new Date('2026-03-07T00:00:00Z'))).toBe(36);
  });

  it('accepts mainland mobile numbers only', () => {
    expect(isMobilePhone('13812345678')).toBe(true);
    expect(isMobilePhone('12812345678')).toBe(false);
    expect(isMobilePhone('1381234567')).toBe(false);
  });

  it('normalises a mobile number typed with spaces, hyphens or +86/0086, and leaves anything else as typed', () => {
    for (const typed of ['138 0013 8003', '138-0013-8003', ' +86 138 0013 8003 ', '+86-138-0013-8003', '008613800138003']) {
      expect(normalizeMobilePhone(typed), typed).toBe('13800138003');
    }
    for (const typed of ['138 0013 800', '8613800138003', '+1 138 0013 8003', '138.0013.8003', '027-8888 6666']) {
      expect(normalizeMobilePhone(typed), typed).toBe(typed.trim());
    }
  });

  it('takes a contact number typed with spaces or brackets: a mobile as its 11 digits, a landline without them', () => {
    expect(normalizeContactPhone('+86 138 0013 8003')).toBe('13800138003');
    expect(normalizeContactPhone('(027) 8888 6666')).toBe('02788886666');
    expect(normalizeContactPhone('027-8888 6666')).toBe('027-88886666');
    expect(normalizeContactPhone(' 12345 ')).toBe('12345');
  });
});
