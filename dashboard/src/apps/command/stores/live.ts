// The live feed: one EventSource on /api/live; each event goes into the feed and asks the
// command store for a (debounced) refresh of counts and map.
import { defineStore } from 'pinia';
import { reactive, ref, shallowRef } from 'vue';
import { api } from '@shared/api/client';
import type { LiveEvent } from '@shared/api/types';
import { useCommand } from './command';
import { addToFeed, type FeedLine } from './feed';
import { useSession } from '@shared/stores/session';

const TYPES: LiveEvent['type'][] = ['report', 'status', 'task_created', 'task_done', 'alert', 'import'];
const MAX_ITEMS = 60;
/** Events of the last day the feed opens with (the stream sends them first, marked replayed). */
const RECENT = 20;

export const useLive = defineStore('live', () => {
  const items = shallowRef<FeedLine[]>([]);
  /** Ids already in the feed (folded lines keep only their newest). */
  const seen = new Set<number>();
  const state = ref<'connecting' | 'connected' | 'offline'>('connecting');
  let source: EventSource | null = null;
  /** Grid names of the feed, looked up once per grid. */
  const gridNames = reactive(new Map<number, string>());
  const asked = new Set<number>();
  function lookUpGrid(id: number | undefined): void {
    if (!id || asked.has(id)) return;
    asked.add(id);
    api.get<{ name: string }>(`/api/jurisdictions/${id}`).then((n) => gridNames.set(id, n.name), () => undefined);
  }

  function connect(): void {
    if (source) return;
    const command = useCommand();
    // A reconnect sends Last-Event-ID and gets what it missed instead of the history again.
    source = new EventSource(`/api/live?recent=${RECENT}`, { withCredentials: true });
    source.onopen = () => (state.value = 'connected');
    // EventSource reconnects by itself (retry: 3000 from the server) and sends Last-Event-ID.
    source.onerror = () => (state.value = source?.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    const onEvent = (e: MessageEvent<string>) => {
      let ev: LiveEvent;
      try {
        ev = JSON.parse(e.data) as LiveEvent;
      } catch {
        return;
      }
      if (seen.has(ev.id)) return;
      seen.add(ev.id);
      items.value = addToFeed(items.value, ev, MAX_ITEMS);
      lookUpGrid(ev.gridId);
      // History is already in the counts and the map: only news asks for a refresh.
      if (!ev.replayed) command.liveChanged();
    };
    for (const t of TYPES) source.addEventListener(t, onEvent as EventListener);
    // The server ends a stream whose session was revoked or whose rights changed: no reconnect then;
    // re-read the session (App shows the login or the no-access screen accordingly).
    source.addEventListener('end', () => {
      disconnect();
      state.value = 'offline';
      const session = useSession();
      void session.load().then((me) => {
        if (!me) location.assign('/login');
        else if (me.permissions.includes('person:read')) connect();
      });
    });
  }

  function disconnect(): void {
    source?.close();
    source = null;
    state.value = 'connecting';
  }

  return { items, state, gridNames, connect, disconnect };
});
