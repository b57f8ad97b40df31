// A list read page by page as the worker scrolls (Vant's List asks for more), restarted when its
// filters change; an answer that arrives after a restart is dropped.
import { ref, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { api, NetworkError } from '@shared/api/client';

export interface Page<T> {
  items: T[];
  total: number;
}

export function usePagedList<T>(url: (page: number) => string) {
  const { t } = useI18n();
  const items = ref<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const finished = ref(false);
  const error = ref<string | null>(null);
  let page = 0;
  let generation = 0;

  async function more(): Promise<void> {
    const mine = generation;
    loading.value = true;
    try {
      const r = await api.get<Page<T>>(url(page + 1));
      if (mine !== generation) return;
      page += 1;
      items.value.push(...r.items);
      finished.value = items.value.length >= r.total || r.items.length === 0;
      error.value = null;
    } catch (err) {
      if (mine !== generation) return;
      error.value = err instanceof NetworkError ? t('offline.needsNetwork') : (err as Error).message;
      finished.value = true;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  function restart(): void {
    generation += 1;
    page = 0;
    items.value = [];
    finished.value = false;
    void more();
  }

  return { items, loading, finished, error, more, restart };
}
