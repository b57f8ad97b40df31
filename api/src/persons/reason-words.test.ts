import { describe, expect, it } from 'vitest';
import { abnormalities } from '../checks/rules.ts';
import { checkpointStatusReason } from '../checkpoints/service.ts';
import { eventsIn, reasonEn } from './reason-words.ts';

describe('server-written reasons in English', () => {
  it('reads the reasons the server writes, as it writes them', () => {
    const why = abnormalities({ fever: true, cough: true, fatigue: false, shortBreath: true, temperature: 38.46 }, 37.3);
    expect(reasonEn(`自报异常：${why.join('，')}`)).toBe('Abnormal self-report: temperature 38.5 ℃, fever, cough, shortness of breath');
    expect(reasonEn(`检查异常：${why.slice(0, 1).join('，')}`)).toBe('Abnormal check: temperature 38.5 ℃');
    expect(reasonEn(checkpointStatusReason({ celsius: 37.8, place: '东门卡口', cameFrom: '孝感', fever: true })))
      .toBe('Checkpoint fever reading: 37.8 ℃ (东门卡口), came from 孝感; back on the watch list');
    expect(reasonEn(checkpointStatusReason({ celsius: 36.5, place: '北门', fever: false }))).toBe('Checkpoint registration: 36.5 ℃ (北门); back on the watch list');
    expect(reasonEn('观察期满，无异常，解除隔离')).toMatch(/^Observation period over/);
  });

  it('leaves what a person typed as it is, and Chinese requests untouched', () => {
    expect(reasonEn('家属反映有发热')).toBeNull();
    expect(reasonEn('自报异常：头疼')).toBeNull();
    const events = [{ reason: '检查异常：咳嗽' }, { reason: null }, { reason: '手工修正' }];
    expect(eventsIn(events, 'en').map((e) => e.reason)).toEqual(['Abnormal check: cough', null, '手工修正']);
    expect(eventsIn(events, 'zh-CN')).toBe(events);
  });
});
