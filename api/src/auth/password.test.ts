import { describe, expect, it } from 'vitest';
import { hashPassword, passwordPolicyError, verifyPassword } from './password.ts';

describe('password policy', () => {
  it('requires 8 characters and 3 of 4 classes', () => {
    expect(passwordPolicyError('Ab1!')).toMatch(/8 characters/);
    expect(passwordPolicyError('abcdefgh1')).toMatch(/3 of/);
    expect(passwordPolicyError('abcdefG1')).toBeUndefined();
    expect(passwordPolicyError('abcdefg!1')).toBeUndefined();
  });
});

describe('argon2', () => {
  it('verifies the right password only', async () => {
    const h = await hashPassword('Correct-horse1');
    expect(h).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(h, 'Correct-horse1')).toBe(true);
    expect(await verifyPassword(h, 'correct-horse1')).toBe(false);
    expect(await verifyPassword('garbage', 'x')).toBe(false);
  });
});
