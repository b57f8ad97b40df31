// English: same keys as zh-CN.
import type zh from './zh-CN';

const en: typeof zh = {
  app: { title: 'Grid Epidemic Control — Command Center', short: 'Command Center', phoneTitle: 'Command on the go' },
  lang: { label: 'Language', zh: '中文', en: 'English' },
  login: {
    title: 'Command center sign-in', username: 'Username', password: 'Password', submit: 'Sign in', busy: 'Signing in…',
    failed: 'Sign-in failed: {msg}', hint: 'Staff accounts only',
  },
  nav: { command: 'Wall screen', phone: 'Phone view', persons: 'Persons', logout: 'Sign out', back: 'Back' },
  forbidden: { title: 'No access', body: 'This account ({roles}) may not open the command center (dashboard:view). Sign in with a command account.', other: 'Sign in as someone else' },
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
  panel: {
    counts: 'By classification', overview: 'Overview', daily: 'Daily new', cumulative: 'Cumulative', byJurisdiction: 'By jurisdiction',
    byRoute: 'Route of infection', national: 'National data', live: 'Live events', persons: 'Persons', legend: 'Legend', layers: 'Layers',
  },
  overview: { persons: 'Persons', households: 'Households', grids: 'Grids', openTasks: 'Open tasks', openAlerts: 'Open alerts', newInRange: 'New in range' },
  chart: { registered: 'Registered', total: 'Total' },
  national: { none: 'No data source configured', note: 'National figures appear here once a source is connected; no estimates are shown meanwhile.' },
  common: { loading: 'Loading…', error: 'Failed to load: {msg}', empty: 'No data', retry: 'Retry', all: 'All', total: '{n} in total', page: 'Page {p} of {n}', prev: 'Previous', next: 'Next', scope: 'All jurisdictions', close: 'Close' },
  range: { from: 'From', to: 'To', last7: '7 days', last14: '14 days', last30: '30 days', all: 'All', label: 'Time range' },
  layer: { choropleth: 'Jurisdictions', heatmap: 'Hexagon heat', heatpoints: 'Case heatmap', households: 'Households', tasks: 'Tasks' },
  metric: { label: 'Colour by', active: 'Active (obs. + susp. + conf.)', confirmed: 'Confirmed', suspected: 'Suspected', watching: 'Under observation' },
  legend: { basemap: 'Basemap', heatpoints: 'kernel density (weighted)', suppressed: 'Too few persons, hidden', heat: 'weighted persons per km²', none: '0', tasksOpen: 'Open task', tasksDone: 'Done task', household: 'Household' },
  tooltip: { total: 'Persons', count: 'Persons', weight: 'Weight', density: 'Density (per km²)', suppressed: 'Fewer than {k} persons, not shown', clickDrill: 'Click to drill down' },
  live: {
    connected: 'Connected', connecting: 'Connecting…', offline: 'Disconnected, reconnecting', empty: 'Waiting for live events…',
    report: 'New report ({kind})', status: 'Status: {from} → {to}', statusNew: 'Registered: {to}', task_created: 'New task: {kind}', task_done: 'Task done: {kind}', alert: 'Alert: {kind}',
    grid: 'Grid {id}',
  },
  reportKind: { citizen: 'Citizen', close_contact: 'Close contact', enterprise: 'Enterprise', checkpoint: 'Checkpoint', patrol: 'Patrol', doctor_survey: 'Doctor survey' },
  taskKind: { verification: 'Home verification', check: 'Health check', referral: 'Referral', self_report_overdue: 'Self-report overdue' },
  alertKind: { abnormal_reading: 'Abnormal reading' },
  person: {
    name: 'Name', sex: 'Sex', age: 'Age', idNumber: 'ID number', phone: 'Phone', address: 'Address', status: 'Status', grid: 'Grid',
    source: 'Source', registered: 'Registered', observation: 'Observation', history: 'History', masked: 'Personal data masked for your role',
    search: 'Name / full ID number / phone', filter: 'Filter', detail: 'Person', notFound: 'Person not found',
    male: 'Male', female: 'Female', emergencyPhone: 'Emergency phone', nativePlace: 'Native place', infectionRoute: 'Route of infection', observationPlace: 'Observation place',
    conditions: 'Conditions', mode: 'Mode', home: 'Home', centralized: 'Centralized',
    event: { created: 'Registered', edit: 'Edited', status: 'Status change', reveal: 'Revealed' }, by: 'By', reason: 'Reason', changes: 'Changes',
  },
  condition: { none: 'None', fever: 'Fever', cough: 'Cough', vomiting: 'Vomiting', diarrhoea: 'Diarrhoea', rash: 'Rash', headache: 'Headache', other: 'Other' },
  breadcrumb: { root: 'All jurisdictions' },
  clock: { updated: 'Updated {t}' },
};
export default en;
