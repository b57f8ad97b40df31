// Whether the phone has a network, as a reactive value for every view (navigator.onLine itself is
// not reactive).
import { readonly, ref } from 'vue';

const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
if (typeof window !== 'undefined') {
  window.addEventListener('online', () => (online.value = true));
  window.addEventListener('offline', () => (online.value = false));
}

export const useOnline = () => readonly(online);
