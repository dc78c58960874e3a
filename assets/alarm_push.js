/* Listen to the server's alarm events (callbacks/alarm_push.py). Each carries the alarm
   panel, its counts and list as HTML: put them straight into the page, without a Dash
   round (a wall of screens on one machine would pay that once per screen per alarm); hand
   the alerts to assets/alert.js, and tell the page's own alarm callbacks (the console's
   grid) through `alarm-signal`. On (re)connecting, and every refresh period as a safety
   net (a stream can be cut silently; the reply is cached per version on the server, and a
   version already shown is not applied again), the panel is fetched. */
window.cityops = window.cityops || {};
(function () {
  if (!window.EventSource) { return; }  // Dash's periodic refresh still works (push off)
  let lastAlerts = null;
  let lastVersion = null;

  function apply(panel) {
    if (panel.version === lastVersion) { return; }
    lastVersion = panel.version;
    for (const [id, html] of [["alarm-counts", panel.counts], ["alarm-list", panel.items],
                              ["shell-alarms", panel.counts]]) {
      const el = document.getElementById(id);
      if (el) { el.innerHTML = html; }
    }
    const setProps = window.dash_clientside && window.dash_clientside.set_props;
    if (!setProps) { return; }
    const alerts = JSON.stringify(panel.alerts);
    if (alerts !== lastAlerts) {
      lastAlerts = alerts;
      setProps("alarm-alert", {data: panel.alerts});
    }
    if (document.querySelector(".alarm-grid")) { setProps("alarm-signal", {data: panel.version}); }
  }

  function fetchPanel(lang) {
    fetch(`/api/v1/alarms/panel?lang=${encodeURIComponent(lang)}`)
      .then(r => r.ok ? r.json() : null).then(p => p && apply(p)).catch(() => {});
  }

  function connect(lang) {
    const source = new EventSource(`/api/v1/alarms/events?lang=${encodeURIComponent(lang)}`);
    source.onopen = () => fetchPanel(lang);  // anything missed while disconnected
    source.onmessage = (e) => apply(JSON.parse(e.data));
    // The browser reconnects by itself after a network error; after an HTTP error (a proxy
    // answering 502 during a deploy) it gives up, so start again a little later.
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { setTimeout(() => connect(lang), 5000); }
    };
  }

  window.cityops.connectPush = function (lang, pollMs) {  // once per page: cityops.push.start
    connect(lang);
    setInterval(() => fetchPanel(lang), Math.max(pollMs || 2000, 1000));
  };
})();
