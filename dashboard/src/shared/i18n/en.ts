// English: same keys as zh-CN.
import type zh from './zh-CN';

const en: typeof zh = {
  apps: { admin: 'Grid Epidemic Control — Admin', command: 'Grid Epidemic Control — Command Center', field: 'Epidemic control — field', signin: 'Grid Epidemic Control' },
  role: { commander: 'Commander', street_staff: 'Street staff', community_staff: 'Community staff', grid_worker: 'Grid worker', doctor: 'Community doctor', checkpoint: 'Checkpoint staff', admin: 'System administrator', security_admin: 'Security administrator', audit_admin: 'Audit administrator' },
  lang: { label: 'Language', zh: '中文', en: 'English' },
  login: {
    title: 'Staff sign-in', username: 'Username', password: 'Password', submit: 'Sign in', busy: 'Signing in…',
    failed: 'Sign-in failed: {msg}', hint: 'One sign-in for command, grid workers, doctors and checkpoints', offline: 'No network: signing in needs a connection',
    citizen: 'Residents: reports, health reports, electronic pass',
    tenant: 'Organisation code', needTenant: 'Wrong username or password. If your username is used in several organisations, also enter the organisation code',
  },
  forbidden: { title: 'No access', body: 'This account ({roles}) may not use this app.', other: 'Sign in as someone else', goField: 'Open the field app', goAdmin: 'Open the admin console', goCommand: 'Open the command center' },
  status: {
    watching: 'Under observation', suspected: 'Suspected', confirmed: 'Confirmed', cured: 'Cured', dead: 'Dead', released: 'Released', closed: 'Closed (mistaken)',
  },
  severity: { mild: 'Mild', severe: 'Severe', critical: 'Critical' },
  level: { 1: 'City', 2: 'District', 3: 'Street', 4: 'Community', 5: 'Grid' },
  route: { imported: 'Imported', local_contact: 'Local contact', cluster: 'Cluster', unknown: 'Unknown', unspecified: 'Not recorded' },
  source: {
    cdc: 'CDC', self_declared: 'Self-declared', three_person_team: 'Three-person team', grid_survey: 'Grid survey', checkpoint: 'Checkpoint',
    citizen_report: 'Citizen report', close_contact: 'Close contact', enterprise: 'Enterprise', doctor_survey: 'Doctor survey', other: 'Other',
  },
  common: { loading: 'Loading…', error: 'Failed to load: {msg}', empty: 'No data', retry: 'Retry', all: 'All', total: '{n} in total', page: 'Page {p} of {n}', prev: 'Previous', next: 'Next', scope: 'All jurisdictions', close: 'Close' },
  reportKind: { citizen: 'Citizen', close_contact: 'Close contact', enterprise: 'Enterprise', checkpoint: 'Checkpoint', patrol: 'Patrol', doctor_survey: 'Doctor survey' },
  taskKind: { verification: 'Home verification', check: 'Health check', referral: 'Referral', self_report_overdue: 'Self-report overdue' },
  alertKind: { abnormal_reading: 'Abnormal reading', pass_mismatch: 'Pass requested on their ID by others' },
  condition: { none: 'None', fever: 'Fever', cough: 'Cough', vomiting: 'Vomiting', diarrhoea: 'Diarrhoea', rash: 'Rash', headache: 'Headache', other: 'Other' },
};

export default en;
