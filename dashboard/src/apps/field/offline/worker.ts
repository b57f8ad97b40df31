// Registers the field app's service worker and tries again when its install fails: the install
// fetches every file of the app, one failed fetch (a bad network, a busy server) discards the
// worker, and without a retry the phone had no offline app until the page was next opened.
const RETRY_MS = [3_000, 10_000, 30_000, 60_000];

export function keepServiceWorker(url: string, scope: string): void {
  let attempts = 0;
  let waiting = false;
  const retry = () => {
    if (waiting || attempts >= RETRY_MS.length) return;
    waiting = true;
    setTimeout(() => {
      waiting = false;
      void register();
    }, RETRY_MS[attempts++]);
  };
  const register = async () => {
    try {
      const reg = await navigator.serviceWorker.register(url, { scope });
      const installing = reg.installing;
      installing?.addEventListener('statechange', () => {
        // 'redundant' with no active worker: this install failed (an update's failure keeps the old one)
        if (installing.state === 'redundant' && !reg.active) retry();
      });
    } catch (err) {
      console.warn('service worker', err);
      retry();
    }
  };
  // Back on a network without a worker: try at once rather than at the next step of the back-off.
  window.addEventListener('online', () => {
    if (!navigator.serviceWorker.controller && !waiting) void register();
  });
  void register();
  // A page that navigated in while the worker was activating stays uncontrolled (the worker's claim
  // saw the clients of that moment): once a worker is active, an uncontrolled page asks to be claimed.
  void navigator.serviceWorker.ready.then((reg) => {
    if (!navigator.serviceWorker.controller) reg.active?.postMessage('claim');
  });
}
