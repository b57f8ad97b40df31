// How a report's state looks: open waits (warning), registered or referred was acted on (danger:
// the person was real), closed was a mistake (plain).
import type { ReportState } from './api';

export const stateTag = (s: ReportState) => ({ open: 'warning', registered: 'danger', referred: 'danger', closed: 'default' } as const)[s] ?? 'default';
