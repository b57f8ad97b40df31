// Sends a form's submission to an idempotent route (idempotent: true in the API) so that a bad
// network never files it twice: after no answer (or a server failure) the same content goes again
// under the same Idempotency-Key; once the server has answered, even with a refusal, the key is
// spent and a corrected form is a new submission.
import { ApiError, NetworkError } from '@shared/api/client';
import { citizenApi } from './api';
import { attemptFor, type Attempt } from './logic';

const unanswered = (err: unknown) => err instanceof NetworkError || (err instanceof ApiError && err.status >= 500);

export function useSubmission() {
  let last: Attempt | null = null;
  return async function submit<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const attempt = attemptFor(last, body);
    last = attempt;
    try {
      const answer = await citizenApi.submit<T>(path, attempt.body, attempt.key);
      last = null;
      return answer;
    } catch (err) {
      if (!unanswered(err)) last = null;
      throw err;
    }
  };
}
