// The reasons the server itself writes on person events (an abnormal reading, a checkpoint's
// registration, the release's default) in the request's language. They are stored as written
// (Chinese, the record's language); an English request reads them in English. A reason a person
// typed is theirs and stays as it is.
import type { Lang } from '../http/lang.ts';

const SYMPTOM_EN: Record<string, string> = { 发热: 'fever', 咳嗽: 'cough', 乏力: 'fatigue', 气促: 'shortness of breath' };
const RELEASE_DEFAULT = '观察期满，无异常，解除隔离';

function readingEn(item: string): string | null {
  const t = /^体温(\d+(?:\.\d+)?)℃$/.exec(item);
  if (t) return `temperature ${t[1]} ℃`;
  return SYMPTOM_EN[item] ?? null;
}

/** A server-written reason in English; null when the text is not one of the server's. */
export function reasonEn(reason: string): string | null {
  if (reason === RELEASE_DEFAULT) return 'Observation period over without abnormal readings: released';
  const abnormal = /^(自报|检查)异常：(.+)$/.exec(reason);
  if (abnormal) {
    const items = abnormal[2].split('，').map(readingEn);
    if (items.every((x): x is string => x !== null)) return `Abnormal ${abnormal[1] === '自报' ? 'self-report' : 'check'}: ${items.join(', ')}`;
    return null;
  }
  const checkpoint = /^卡口(测温发热|登记)：(\d+(?:\.\d+)?)℃（(.*)）(?:，来自(.*))?，重新纳入隔离观察$/.exec(reason);
  if (checkpoint) {
    const [, kind, celsius, place, from] = checkpoint;
    return `Checkpoint ${kind === '测温发热' ? 'fever reading' : 'registration'}: ${celsius} ℃ (${place})${from ? `, came from ${from}` : ''}; back on the watch list`;
  }
  return null;
}

/** The events' reasons in the request's language. */
export function eventsIn<E extends { reason: string | null }>(events: E[], lang: Lang): E[] {
  if (lang !== 'en') return events;
  return events.map((e) => (e.reason ? { ...e, reason: reasonEn(e.reason) ?? e.reason } : e));
}
