// How a form hands its submission to the outbox and shows the answer: sent (the server's answer),
// queued (no network: it will be sent), or refused (the server's message under the field it names).
// A form opened from a failed outbox item (?outbox=<id>) starts from that item and replaces it.
import { showToast } from 'vant';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute } from 'vue-router';
import type { OutboxItem } from './db';
import { useOutbox, type NewItem, type Outcome } from './outbox';

export interface SubmitError {
  field: string;
  message: string;
}

export function useSubmit() {
  const { t } = useI18n();
  const route = useRoute();
  const outbox = useOutbox();
  const busy = ref(false);
  const error = ref<SubmitError | null>(null);
  const editing = computed<OutboxItem | undefined>(() => {
    const id = Number(route.query.outbox);
    return Number.isInteger(id) && id > 0 ? outbox.byId(id) : undefined;
  });

  async function submit(item: NewItem): Promise<Outcome> {
    busy.value = true;
    error.value = null;
    try {
      const outcome = await outbox.submit(item, editing.value?.id);
      if (outcome.state === 'failed' && outcome.error) {
        const e = outcome.error;
        error.value = { field: (e.field ?? '').replace(/^body\./, ''), message: e.message };
        // Refused while the worker is still on the form: they fix it here, so no copy waits in the outbox.
        if (!editing.value) await outbox.remove(outcome.id);
      } else if (outcome.state === 'queued') showToast({ message: t('offline.queued'), duration: 2500 });
      return outcome;
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, editing, submit };
}
