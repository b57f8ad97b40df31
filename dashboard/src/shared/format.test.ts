import { describe, expect, it } from 'vitest';
import { formatDate, formatTime, gridLabel, isoDay } from './format';

describe('field dates', () => {
  const now = new Date(2026, 11, 1, 9, 0);
  it('shows month, day and time this year, the year otherwise', () => {
    expect(formatTime(new Date(2026, 0, 5, 7, 3), now)).toBe('01-05 07:03');
    expect(formatTime(new Date(2025, 11, 31, 23, 59), now)).toBe('2025-12-31 23:59');
    expect(formatTime(new Date(2026, 5, 1, 0, 0).toISOString(), now)).toBe('06-01 00:00');
  });
  it('gives nothing for a missing or broken value', () => {
    expect(formatTime(null)).toBe('');
    expect(formatTime('not a date')).toBe('');
    expect(formatDate(undefined)).toBe('');
  });
  it('writes days as YYYY-MM-DD', () => {
    expect(formatDate(new Date(2026, 1, 3, 12))).toBe('2026-02-03');
    expect(isoDay(new Date(2020, 8, 9))).toBe('2020-09-09');
  });
});

describe('grid labels', () => {
  it('names the community beside the grid when the caller may see it', () => {
    expect(gridLabel({ name: '第1网格', communityName: '蛇山二社区' })).toBe('蛇山二社区 第1网格');
    expect(gridLabel({ name: '第1网格', communityName: null })).toBe('第1网格');
    expect(gridLabel(null)).toBe('—');
  });
});
