import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '@shared/api/types';
import { addToFeed, type FeedLine } from './feed';

const at = (min: number) => new Date(Date.UTC(2026, 11, 3, 8, min)).toISOString();
const ev = (id: number, type: LiveEvent['type'], extra: Partial<LiveEvent> = {}): LiveEvent =>
  ({ id, type, gridPath: null, createdAt: at(id), ...extra });

describe('the live feed', () => {
  it('folds a run of new tasks of one kind into one line, and keeps other events as lines of their own', () => {
    let feed: FeedLine[] = [];
    feed = addToFeed(feed, ev(1, 'report', { kind: 'citizen' }), 60);
    for (let id = 2; id < 8; id++) feed = addToFeed(feed, ev(id, 'task_created', { kind: 'health_check', gridId: id % 2 ? 10 : 11 }), 60);
    feed = addToFeed(feed, ev(8, 'alert', { kind: 'abnormal_reading', gridId: 10 }), 60);
    feed = addToFeed(feed, ev(9, 'task_created', { kind: 'health_check', gridId: 10 }), 60);
    expect(feed.map((l) => [l.id, l.type, l.folded ?? 1])).toEqual([[9, 'task_created', 1], [8, 'alert', 1], [7, 'task_created', 6], [1, 'report', 1]]);
    expect(feed[2].gridId).toBeUndefined();
  });

  it('keeps a run of one grid named, starts a new line after a pause or another kind, and never folds reports', () => {
    let feed: FeedLine[] = [];
    feed = addToFeed(feed, ev(1, 'task_created', { kind: 'verification', gridId: 5 }), 60);
    feed = addToFeed(feed, ev(2, 'task_created', { kind: 'verification', gridId: 5 }), 60);
    feed = addToFeed(feed, ev(3, 'task_created', { kind: 'referral', gridId: 5 }), 60);
    feed = addToFeed(feed, ev(30, 'task_created', { kind: 'referral', gridId: 5 }), 60);
    feed = addToFeed(feed, ev(31, 'report', { kind: 'citizen' }), 60);
    feed = addToFeed(feed, ev(32, 'report', { kind: 'citizen' }), 60);
    expect(feed.map((l) => [l.id, l.folded ?? 1, l.gridId])).toEqual([[32, 1, undefined], [31, 1, undefined], [30, 1, 5], [3, 1, 5], [2, 2, 5]]);
  });

  it('places a late event by its id and keeps at most max lines', () => {
    let feed: FeedLine[] = [];
    for (const id of [5, 3, 4, 1]) feed = addToFeed(feed, ev(id, 'report'), 3);
    expect(feed.map((l) => l.id)).toEqual([5, 4, 3]);
  });
});
