// Loaded (async) by field.html beside the app's code: on the task list, the signed-in user and their
// open tasks are asked for at once, while the code downloads, instead of after it has run. The app
// takes these answers once (apps/field/prime.ts); anything else it asks for itself. Plain script,
// not bundled: it must start before the bundle has arrived.
(function () {
  if (!/^\/field\/?(tasks\/?)?$/.test(location.pathname)) return;
  function get(url) {
    var p = fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      return r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status));
    });
    p.catch(function () {});
    return p;
  }
  window.__gecFieldPrime = { at: Date.now(), me: get('/api/auth/me'), tasks: get('/api/tasks?mine=true&state=open&pageSize=100') };
})();
