// English: same keys as zh-CN.
import type zh from './zh-CN';

const en: typeof zh = {
  app: { title: 'Admin console · Grid Epidemic Control' },
  nav: { command: 'Command center', logout: 'Sign out' },
  menu: { boundaries: 'Boundaries', boundaryImport: 'Import', boundaryVersions: 'Versions and rollback' },
  import: {
    title: 'Import jurisdiction boundaries', steps: { upload: 'Upload', mapping: 'Attributes', report: 'Validation', applied: 'Done' },
    drop: 'Drop a boundary file here, or click to choose', formats: 'GeoJSON, Shapefile (.zip with .shp/.dbf/.prj), KML/KMZ; up to 50 MB',
    crs: 'Coordinate system', crsHint: 'Used where the file cannot say; a shapefile\'s .prj decides',
    crsShort: { wgs84: 'WGS-84 (as is)', gcj02: 'GCJ-02 → WGS-84', bd09: 'BD-09 → WGS-84' },
    crsOption: { wgs84: 'WGS-84 / CGCS2000 (GPS, Tianditu)', gcj02: 'GCJ-02 (Amap, Tencent exports)', bd09: 'BD-09 (Baidu exports)' },
    sliver: 'Sliver threshold (m²)', tolerance: 'Overlap tolerance (m²)', upload: 'Upload and validate', uploading: 'Uploading {p}%', validating: 'Validating…',
    mappingTitle: 'Attribute mapping', mappingHint: 'Choose the file\'s properties; the mapping is kept for the next upload.', levelMode: 'Level', levelFromProperty: 'From a property', levelFixed: 'One level for the file',
    levelProperty: 'Level property', fixedLevel: 'Level', code: 'Code property', name: 'Name property', parentCode: 'Parent code property', none: '(none)', revalidate: 'Validate with this mapping',
    summary: '{features} features · {format} · {crs}', byLevel: 'Nodes per level', errors: 'Errors', warnings: 'Warnings',
    problems: 'Problems', noProblems: 'No problems found', severity: 'Severity', problem: 'Problem', code_: 'Code', area: 'Area (m²)', message: 'Detail', action: 'Action',
    accept: 'Accept repair', refuse: 'Refuse', accepted: 'Repair accepted', refused: 'Repair refused',
    diff: 'Against the current version', added: 'Added', removed: 'Removed', renamed: 'Renamed', moved: 'Moved', reshaped: 'Reshaped',
    impact: 'Impact', householdsChange: 'Households changing grid {n}', householdsLose: 'Households losing their grid {n}', personsChange: 'Persons changing grid {n}', personsLose: 'Persons losing their grid {n}',
    pinned: 'Accounts on nodes the import removes', reassignTo: 'Reassign to', pinnedOn: 'on {node} ({code}), removed', openTasks: '{n} open tasks on removed nodes go to their nearest surviving ancestor',
    acceptWarnings: 'I have checked the warnings: accept them and apply', apply: 'Apply as a new version', applying: 'Applying…', blocked: 'Errors remain: fix the file and upload it again',
    applied: 'Applied as version {n}: {nodes} nodes; {households} households and {persons} persons re-assigned to grids', another: 'Import another file', toVersions: 'See the versions',
    severityName: { error: 'Error', warning: 'Warning' },
    problemName: {
      invalid_geometry: 'Invalid geometry', empty_geometry: 'Empty geometry', not_polygon: 'Not a polygon', multipart: 'Multi-part', sliver: 'Sliver', overlap: 'Overlaps a sibling', gap: 'Gap in the parent',
      outside_parent: 'Outside the parent', duplicate_code: 'Duplicate code', missing_parent: 'No parent code', unknown_parent: 'Unknown parent', bad_level_order: 'Level out of order',
      missing_code: 'No code', missing_name: 'No name', bad_level: 'Invalid level', bad_parent_code: 'Invalid parent code',
    },
    map: 'Map preview', legendError: 'With errors', legendWarning: 'With warnings', legendOk: 'No problems', legendProblem: 'Where the problem is',
  },
  versions: {
    title: 'Boundary versions', number: 'Version', createdAt: 'When', createdBy: 'By', source: 'Source', nodes: 'Nodes', diff: 'Changes', current: 'Current',
    sourceName: { initial: 'Initial', import: 'Import', rollback: 'Rollback' },
    export: 'Export GeoJSON', rollback: 'Roll back to this', confirmRollback: 'Apply version {n} again as a new version? Households and persons are re-assigned to its grids.',
    rolledBack: 'Rolled back: new version {n}', diffText: '+{added} −{removed} renamed {renamed} moved {moved} reshaped {reshaped}',
  },
  common: { cancel: 'Cancel', confirm: 'Confirm', loading: 'Loading…', retry: 'Retry' },
};

export default en;
