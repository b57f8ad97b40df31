// The phone's position (browser geolocation: WGS-84), watched while the app is open. One watch for
// the whole app: the field app's task list, forms and map, and the citizen's report, read the same position.
import { readonly, ref } from 'vue';

export interface Position {
  lon: number;
  lat: number;
  accuracyM: number;
  at: number;
}

const position = ref<Position | null>(null);
const error = ref<'denied' | 'unavailable' | 'unsupported' | null>(null);
let watchId: number | null = null;
const waiters: ((p: Position | null) => void)[] = [];

function onPosition(p: GeolocationPosition): void {
  position.value = { lon: p.coords.longitude, lat: p.coords.latitude, accuracyM: Math.round(p.coords.accuracy), at: p.timestamp };
  error.value = null;
  waiters.splice(0).forEach((w) => w(position.value));
}

function onError(e: GeolocationPositionError): void {
  error.value = e.code === e.PERMISSION_DENIED ? 'denied' : 'unavailable';
  waiters.splice(0).forEach((w) => w(null));
}

export function startWatching(): void {
  if (watchId != null) return;
  if (!('geolocation' in navigator)) {
    error.value = 'unsupported';
    return;
  }
  watchId = navigator.geolocation.watchPosition(onPosition, onError, { enableHighAccuracy: true, maximumAge: 30_000, timeout: 20_000 });
}

/** Stops the watch (a resident's report needs the position once, not for the rest of the visit). */
export function stopWatching(): void {
  if (watchId != null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
}

/** The current position, waiting up to `ms` for a first fix; null when there is none. */
export function currentPosition(ms = 8000): Promise<Position | null> {
  startWatching();
  if (position.value) return Promise.resolve(position.value);
  if (error.value) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(position.value), ms);
    waiters.push((p) => {
      clearTimeout(timer);
      resolve(p);
    });
  });
}

export function usePosition() {
  startWatching();
  return { position: readonly(position), error: readonly(error) };
}

/** A submission's location: WGS-84 from the browser, stated as such (the API converts other datums). */
export const asLocation = (p: { lon: number; lat: number }) => ({ lon: Number(p.lon.toFixed(6)), lat: Number(p.lat.toFixed(6)) });
