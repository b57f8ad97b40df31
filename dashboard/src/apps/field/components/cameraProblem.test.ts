import { describe, expect, it } from 'vitest';
import en from '../i18n/en';
import zh from '../i18n/zh-CN';
import { cameraProblem } from './cameraProblem';

describe('camera problems', () => {
  it('turns each getUserMedia error name into a problem the worker can act on, in both languages', () => {
    const cases: [string, string][] = [
      ['NotFoundError', 'notFound'], ['NotAllowedError', 'notAllowed'], ['NotReadableError', 'inUse'],
      ['OverconstrainedError', 'constraints'], ['SecurityError', 'insecure'], ['TypeError', 'other'],
    ];
    for (const [name, problem] of cases) {
      const p = cameraProblem(new DOMException('x', name));
      expect(p, name).toBe(problem);
      for (const words of [en.scan.camera[p], zh.scan.camera[p]]) {
        expect(words, `${name}`).toBeTruthy();
        expect(words).not.toMatch(/Error/);
      }
    }
    expect(cameraProblem(undefined)).toBe('other');
    expect(cameraProblem('NotFoundError')).toBe('other');
  });
});
