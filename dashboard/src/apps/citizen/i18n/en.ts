// The citizens' app's own words in English: same keys as zh-CN.
import type zh from './zh-CN';

const en: typeof zh = {
  app: { title: 'Resident services · Epidemic control', name: 'Resident services' },
  signIn: {
    title: 'Resident sign-in', intro: 'Sign in with your phone and a text-message code; no registration', tenant: 'City code', tenantHint: 'e.g. demo (on your community\'s poster or notice)',
    phone: 'Mobile phone', code: 'Code', getCode: 'Get code', resend: 'Again in {s}s', tooSoon: 'Codes asked for too often: try again in {s} seconds', sent: 'Code sent, valid for 5 minutes', submit: 'Sign in', busy: 'Signing in…',
    needTenant: 'Enter the city code (starting with a lower-case letter)', needPhone: 'Enter an 11-digit mobile number', needCode: 'Enter the 6-digit code', staff: 'Staff sign-in',
  },
  home: {
    signedIn: 'Signed in', bound: 'Identity bound', notBound: 'Identity not bound', bindHint: 'Residents under observation bind their identity to report their health daily', bindNow: 'Bind',
    report: 'Report a case or contact', selfReport: 'Daily health report', pass: 'Electronic pass', reports: 'My reports', declare: 'Company / school', guidance: 'Guidance and news',
    noArticles: 'Nothing published yet', logout: 'Sign out', city: 'City: {c}',
  },
  report: {
    title: 'Report a case or contact', kind: 'Kind', citizen: 'Suspected case', closeContact: 'Close contact', subjectName: 'Name', subjectPhone: 'Phone', optional: 'Optional',
    symptoms: 'Symptoms', temperature: 'Temperature', description: 'What happened', descriptionHint: 'e.g. fever and cough for two days', address: 'Address', addressHint: 'Estate, building, unit, flat',
    location: 'Location', locating: 'Locating…', located: 'Located (within about {m} m)', noLocation: 'No position from the phone: enter coordinates', manual: 'Enter coordinates', lon: 'Longitude', lat: 'Latitude',
    submit: 'Send report', needName: 'Enter the name', needAddress: 'Enter the address', needLocation: 'Locate the phone or enter coordinates first', badTemperature: 'Temperature must be 34–43 °C',
    privacy: 'Used only to verify the case: the grid worker of the area will visit',
  },
  reports: { title: 'My reports', empty: 'No reports yet', submitted: 'Sent: a grid worker will visit to verify', at: 'Sent at', grid: 'Grid', state: 'State', back: 'Home', list: 'All my reports' },
  reportState: { open: 'Awaiting verification', closed: 'Closed (not confirmed)', registered: 'Verified, under observation', referred: 'Referred to hospital' },
  bind: {
    title: 'Bind identity', intro: 'Residents under observation: enter the name and ID number you were registered with; the phone you signed in with must match', name: 'Name', idNumber: 'ID number', submit: 'Bind',
    done: 'Bound', needName: 'Enter your name', needId: 'Enter your ID number',
  },
  health: {
    title: 'Daily health report', notBound: 'Daily health reports are for residents under observation: bind your identity first', bindNow: 'Bind identity', temperature: 'Temperature', symptoms: 'Symptoms',
    description: 'Anything else', submit: 'Send today\'s report', normal: 'Recorded: temperature and symptoms normal', abnormal: 'Recorded: abnormal, a community doctor will contact you soon', feverLine: 'Temperatures of {threshold} ℃ and above count as fever here', history: 'History', empty: 'No reports yet',
    flagged: 'Abnormal',
  },
  pass: {
    title: 'Electronic pass', intro: 'Show the QR code at estate and shop entrances', name: 'Name', idNumber: 'ID number', register: 'Get a pass', holder: 'Holder', id: 'ID',
    expiresIn: 'New code in {t}', refreshing: 'Refreshing…', refresh: 'Refresh code', issued: 'Issued', reRegister: 'Apply again', qrAlt: 'Pass QR code',
    needName: 'Enter your name', needId: 'Enter your ID number',
  },
  declare: {
    title: 'Company / school', intro: 'Declare a returning student or employee; the grid of their home verifies it', name: 'Name', sex: 'Sex', male: 'Male', female: 'Female', idNumber: 'ID number',
    hubeiHistory: 'Has been in Hubei', hubeiHistoryRecent: 'In Hubei after 17 January', nativePlace: 'Native place', schoolName: 'School / company', grade: 'Grade', className: 'Class',
    plannedReturnDate: 'Planned return', returnTransport: 'Travelling by', address: 'Home address', submit: 'Send declaration', choose: 'Choose',
    needSex: 'Choose the sex', classNumber: 'Class {n}',
    // The default grades (api/src/reports/schema.ts DEFAULT_ENTERPRISE_OPTIONS); the value sent stays Chinese.
    grades: {
      一年级: 'Primary 1', 二年级: 'Primary 2', 三年级: 'Primary 3', 四年级: 'Primary 4', 五年级: 'Primary 5', 六年级: 'Primary 6',
      初一: 'Junior high 1', 初二: 'Junior high 2', 初三: 'Junior high 3', 高一: 'Senior high 1', 高二: 'Senior high 2', 高三: 'Senior high 3',
      大一: 'University year 1', 大二: 'University year 2', 大三: 'University year 3', 大四: 'University year 4', 研究生: 'Postgraduate', 教职工: 'Staff',
    },
    transport: { plane: 'Plane', train: 'Train', coach: 'Coach', car: 'Car', ship: 'Ship', other: 'Other' },
  },
  symptom: { fever: 'Fever', cough: 'Cough', fatigue: 'Fatigue', shortBreath: 'Short of breath', none: 'No symptoms' },
  articleKind: { guide: 'Guide', publicity: 'Notice', news: 'News' },
  article: { title: 'Guidance', open: 'Open the source' },
  common: { submit: 'Submit', back: 'Back', required: 'Required', unknown: '—', retry: 'Retry', offline: 'No network: check the connection and try again' },
};
export default en;
