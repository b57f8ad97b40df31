// English: same keys as zh-CN.
import type zh from './zh-CN';

const en: typeof zh = {
  app: { title: 'Grid Epidemic Control — Command Center', short: 'Command Center', phoneTitle: 'Command on the go' },
  nav: { command: 'Wall screen', phone: 'Phone view', persons: 'Persons', logout: 'Sign out', back: 'Back' },
  panel: {
    counts: 'By classification', overview: 'Overview', daily: 'Daily new', cumulative: 'Cumulative', byJurisdiction: 'By jurisdiction',
    byRoute: 'Route of infection', national: 'National data', live: 'Live events', persons: 'Persons', legend: 'Legend', layers: 'Layers',
  },
  overview: { persons: 'Registered persons', households: 'Households', grids: 'Grids', openTasks: 'Open tasks', openAlerts: 'Open alerts', newInRange: 'New in range' },
  chart: { registered: 'Registered', total: 'Total' },
  national: { none: 'No data source configured', note: 'National figures appear here once a source is connected; no estimates are shown meanwhile.' },
  range: { from: 'From', to: 'To', last7: '7 days', last14: '14 days', last30: '30 days', all: 'All', label: 'Time range' },
  layer: { choropleth: 'Jurisdictions', heatmap: 'Hexagon heat', heatpoints: 'Case heatmap', households: 'Households', tasks: 'Tasks' },
  metric: { label: 'Colour by', active: 'Active (obs. + susp. + conf.)', confirmed: 'Confirmed', suspected: 'Suspected', watching: 'Under observation' },
  legend: { basemap: 'Basemap', heatpoints: 'kernel density (weighted)', suppressed: 'Too few persons, hidden', heat: 'weighted persons per km²', none: '0', tasksOpen: 'Open task', tasksDone: 'Done task', household: 'Household' },
  tooltip: { total: 'Persons', count: 'Persons', weight: 'Weight', density: 'Density (per km²)', suppressed: 'Fewer than {k} persons, not shown', clickDrill: 'Click to drill down' },
  live: {
    connected: 'Connected', connecting: 'Connecting…', offline: 'Disconnected, reconnecting', empty: 'Waiting for live events…',
    report: 'New report ({kind})', status: 'Status: {from} → {to}', statusNew: 'Registered: {to}', task_created: 'New task: {kind}', task_done: 'Task done: {kind}', alert: 'Alert: {kind}', import: 'Imported {n} persons ({statuses})', listSep: ', ',
    grid: 'Grid {id}', times: '×{n}', severalGrids: 'several grids',
  },
  person: {
    name: 'Name', sex: 'Sex', age: 'Age', idNumber: 'ID number', phone: 'Phone', address: 'Address', status: 'Status', grid: 'Grid',
    source: 'Source', registered: 'Registered', observation: 'Observation', history: 'History', masked: 'Personal data masked for your role',
    search: 'Name / full ID number / phone', filter: 'Filter', detail: 'Person', notFound: 'Person not found',
    male: 'Male', female: 'Female', emergencyPhone: 'Emergency phone', nativePlace: 'Native place', infectionRoute: 'Route of infection', observationPlace: 'Observation place',
    conditions: 'Conditions', mode: 'Mode', home: 'Home', centralized: 'Centralized',
    event: { created: 'Registered', edit: 'Edited', status: 'Status change', reveal: 'Revealed' }, by: 'By', reason: 'Reason', changes: 'Changes',
  },
  alerts: {
    title: 'Open alerts', acknowledge: 'Acknowledge', none: 'No open alerts', more: '{n} more not shown', attempts: '{n} times within an hour',
    source: { doctor: "Doctor's check", self_report: 'Self-report', checkpoint: 'Checkpoint reading', verification: 'Home verification' },
  },
  breadcrumb: { root: 'All jurisdictions' },
  clock: { updated: 'Updated {t}' },
};

export default en;
