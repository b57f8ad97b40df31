import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PiiCipher, maskAddress, maskIdNumber, maskPhone } from './pii.ts';

const cipher = new PiiCipher({ fieldKey: randomBytes(32), lookupKey: randomBytes(32) });

describe('PiiCipher', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const a = cipher.encrypt('42010619900307123X');
    const b = cipher.encrypt('42010619900307123X');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('4201061990');
    expect(cipher.decrypt(a)).toBe('42010619900307123X');
  });

  it('rejects a tampered ciphertext', () => {
    const a = cipher.encrypt('13812345678');
    a[a.length - 1] ^= 1;
    expect(() => cipher.decrypt(a)).toThrow();
  });

  it('hashes deterministically under its key only', () => {
    const other = new PiiCipher({ fieldKey: randomBytes(32), lookupKey: randomBytes(32) });
    expect(cipher.lookupHash('x').equals(cipher.lookupHash('x'))).toBe(true);
    expect(cipher.lookupHash('x').equals(other.lookupHash('x'))).toBe(false);
  });
});

describe('masks', () => {
  it('masks as the register shows them', () => {
    expect(maskIdNumber('420106199003071234')).toBe('420***********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskAddress('武汉市江岸区球场街道黄埔社区12栋3单元502')).toBe('武汉市江岸区球****');
  });
});
