// New tasks arriving over /api/live while the worker is elsewhere in the app: a badge on the tasks
// tab, and a nudge for the list to reload. Reconnects are left to EventSource (it resumes with
// Last-Event-ID by itself).
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const useLiveTasks = defineStore('liveTasks', () => {
  const fresh = ref(0);
  /** Bumped on every task event: the task list reloads when it changes. */
  const tick = ref(0);
  const connected = ref(false);
  let source: EventSource | null = null;

  function connect(): void {
    if (source || typeof EventSource === 'undefined') return;
    source = new EventSource('/api/live');
    source.onopen = () => (connected.value = true);
    source.onerror = () => (connected.value = false);
    source.addEventListener('task_created', () => {
      fresh.value += 1;
      tick.value += 1;
    });
    source.addEventListener('task_done', () => (tick.value += 1));
    // The server ends the stream when the session ends: no reconnect then.
    source.addEventListener('end', () => disconnect());
  }

  function disconnect(): void {
    source?.close();
    source = null;
    connected.value = false;
  }

  const seen = () => (fresh.value = 0);

  return { fresh, tick, connected, connect, disconnect, seen };
});
