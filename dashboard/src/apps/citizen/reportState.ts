// How a report looks to the resident: its state as a tag (open waits: warning; registered or referred
// was acted on, the person was real: danger; closed was a mistake: plain) and its kind in their words.
import type { CitizenReport, ReportState } from './api';

export const stateTag = (s: ReportState) => ({ open: 'warning', registered: 'danger', referred: 'danger', closed: 'default' } as const)[s] ?? 'default';

/** A report's kind in the resident's words (the form's choice), not the register's source name. */
export const kindText = (k: CitizenReport['kind']) => ({ citizen: 'report.citizen', close_contact: 'report.closeContact', enterprise: 'reportKind.enterprise' } as const)[k] ?? `reportKind.${k}`;
