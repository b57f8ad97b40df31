// What went wrong when the camera would not open, from the DOMException's name
// (https://developer.mozilla.org/docs/Web/API/MediaDevices/getUserMedia#exceptions), in words a
// checkpoint worker can act on. The i18n key is `scan.camera.<problem>`.
export type CameraProblem = 'notFound' | 'notAllowed' | 'inUse' | 'constraints' | 'insecure' | 'other';

const BY_NAME: Record<string, CameraProblem> = {
  NotFoundError: 'notFound',
  DevicesNotFoundError: 'notFound', // older Chrome
  NotAllowedError: 'notAllowed',
  PermissionDeniedError: 'notAllowed', // older Chrome
  NotReadableError: 'inUse',
  TrackStartError: 'inUse', // older Chrome
  AbortError: 'inUse',
  OverconstrainedError: 'constraints',
  ConstraintNotSatisfiedError: 'constraints',
  SecurityError: 'insecure',
};

export function cameraProblem(err: unknown): CameraProblem {
  const name = err && typeof err === 'object' && 'name' in err ? String((err as { name: unknown }).name) : '';
  return BY_NAME[name] ?? 'other';
}
