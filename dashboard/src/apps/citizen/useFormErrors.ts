// A form's messages by field: its own checks before sending, then the server's refusal shown under
// the field the server names (in the language the request asked for), or under `fallback`.
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError, NetworkError } from '@shared/api/client';
import { formField } from './logic';

export function useFormErrors(fields: readonly string[]) {
  const { t } = useI18n();
  const errors = ref<Record<string, string>>({});

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
