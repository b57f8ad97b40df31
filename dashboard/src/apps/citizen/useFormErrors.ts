// A form's messages by field: its own checks before sending, then the server's refusal shown under
// the field the server names (in the language the request asked for), or under `fallback`; each
// message goes when its field is changed.
import { ref, watch, type WatchSource } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError, NetworkError } from '@shared/api/client';
import { formField } from './logic';

/** `inputs`: the form's values by field; a message goes as soon as its field is changed. */
export function useFormErrors(fields: readonly string[], inputs: Record<string, WatchSource> = {}) {
  const { t } = useI18n();
  const errors = ref<Record<string, string>>({});
  for (const [field, source] of Object.entries(inputs)) {
    watch(source, () => {
      if (errors.value[field]) errors.value = { ...errors.value, [field]: '' };
    }, { deep: true });
  }

  function fail(err: unknown, fallback: string): void {
    const named = err instanceof ApiError ? formField(err.field) : undefined;
    const message = err instanceof NetworkError ? t('common.offline') : err instanceof Error ? err.message : String(err);
    errors.value = { [named && fields.includes(named) ? named : fallback]: message };
  }

  /** Sets the form's own messages; true when there are none. */
  function check(found: Record<string, string | false | undefined>): boolean {
    errors.value = Object.fromEntries(Object.entries(found).filter((e): e is [string, string] => Boolean(e[1])));
    return Object.keys(errors.value).length === 0;
  }

  return { errors, fail, check };
}
