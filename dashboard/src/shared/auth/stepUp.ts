// The state behind an app's re-authentication dialog; the dialog itself is drawn in the app's UI
// library (Element Plus in the admin console, Vant in the field app). A request answering 403
// step_up_required opens it (shared/api/client.ts); confirming posts /api/auth/step-up and lets the
// client send the request again; cancelling fails the request with its own error.
import { computed, reactive, ref, watch } from 'vue';
import { api, ApiError, onStepUpRequired } from '../api/client';

export interface StepUpState {
  open: boolean;
  /** Ask for the authenticator code too (the account has one, or the server said so). */
  askCode: boolean;
  busy: boolean;
  error: { field?: string; message: string } | null;
}

export interface StepUpPromptOptions {
  /** Whether the signed-in account has a second factor (me.totpEnabled). */
  hasTotp: () => boolean;
  /** The server's new step-up deadline, for the session's copy of "me". */
  confirmed?: (steppedUpUntil: string) => void;
}

export type StepUpController = ReturnType<typeof useStepUpPrompt>;

/** Registers the app's dialog with the API client; call once, from the app's shell. */
export function useStepUpPrompt(opts: StepUpPromptOptions) {
  const state = reactive<StepUpState>({ open: false, askCode: false, busy: false, error: null });
  let settle: ((done: boolean) => void) | undefined;

  onStepUpRequired(
    () =>
      new Promise<boolean>((resolve) => {
        Object.assign(state, { open: true, askCode: opts.hasTotp(), busy: false, error: null });
        settle = resolve;
      }),
  );

  function finish(done: boolean): void {
    state.open = false;
    settle?.(done);
    settle = undefined;
  }

  async function confirm(password: string, totp: string): Promise<void> {
    state.busy = true;
    state.error = null;
    try {
      const body = state.askCode ? { password, totp: totp.replace(/\D/g, '') } : { password };
      const r = await api.post<{ steppedUpUntil: string }>('/api/auth/step-up', body);
      opts.confirmed?.(r.steppedUpUntil);
      finish(true);
    } catch (err) {
      // An account given a second factor since the page loaded: the server asks for the code.
      if (err instanceof ApiError && err.code === 'totp_required') state.askCode = true;
      state.error = { field: err instanceof ApiError ? err.field : undefined, message: err instanceof Error ? err.message : String(err) };
    } finally {
      state.busy = false;
    }
  }

  /** The user corrects the input: the last refusal no longer applies. */
  const clearError = () => (state.error = null);

  return { state, confirm, cancel: () => finish(false), clearError };
}

/** Only digits, at most six: what a pasted or typed authenticator code is reduced to. */
export const totpDigits = (value: string) => value.replace(/\D/g, '').slice(0, 6);

/** What both apps' dialogs do with their inputs: the fields' errors, when confirming is possible, confirming. */
export function useStepUpForm(prompt: StepUpController) {
  const password = ref('');
  const totp = ref('');
  const state = computed(() => prompt.state);
  const errorOf = (field: string) => (state.value.error?.field === field ? state.value.error.message : '');
  const otherError = computed(() => (state.value.error && !['password', 'totp'].includes(state.value.error.field ?? '') ? state.value.error.message : ''));
  // A corrected input hides the last refusal.
  watch([password, totp], () => prompt.clearError());
  const ready = computed(() => password.value !== '' && (!state.value.askCode || totp.value.length === 6));
  async function confirm(): Promise<void> {
    if (!ready.value || state.value.busy) return;
    await prompt.confirm(password.value, totp.value);
  }
  return { password, totp, state, errorOf, otherError, ready, confirm };
}
