// The feed's lines: events newest first, with runs of task events folded into one line, so that a
// job that opens hundreds of tasks does not push the reports, registrations and alerts out of view.
import type { LiveEvent } from '@shared/api/types';

export interface FeedLine extends LiveEvent {
  /** How many events this line stands for (task runs folded); 1 when absent. */
  folded?: number;
}

const FOLDABLE = new Set<LiveEvent['type']>(['task_created', 'task_done']);
/** Task events further apart than this start a new line. */
const FOLD_WINDOW_MS = 10 * 60_000;

function foldsInto(line: FeedLine, ev: LiveEvent): boolean {
  return FOLDABLE.has(ev.type) && line.type === ev.type && line.kind === ev.kind
    && Math.abs(Date.parse(line.createdAt) - Date.parse(ev.createdAt)) <= FOLD_WINDOW_MS;
}

/** The feed with one more event: on top, folded into the line next to it, or in its place by id (a late replay). */
export function addToFeed(lines: FeedLine[], ev: LiveEvent, max: number): FeedLine[] {
  const at = lines.findIndex((l) => l.id < ev.id);
  const index = at < 0 ? lines.length : at;
  const next = [...lines];
  // the line just newer, or just older, than the event's place
  for (const k of [index - 1, index]) {
    const line = next[k];
    if (line && foldsInto(line, ev)) {
      next[k] = {
        ...line,
        id: Math.max(line.id, ev.id),
        createdAt: line.id > ev.id ? line.createdAt : ev.createdAt,
        folded: (line.folded ?? 1) + 1,
        // several grids: the line names none
        gridId: line.gridId === ev.gridId ? line.gridId : undefined,
      };
      return next;
    }
  }
  next.splice(index, 0, ev);
  return next.slice(0, max);
}
