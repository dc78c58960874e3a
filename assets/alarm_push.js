/* Listen to the server's alarm events (callbacks/alarm_push.py). Each carries the alarm
   panel: put it straight into the page (counts, list, header counts, alerts to flash) and
   tell the page's own alarm callbacks (the console's grid) through `alarm-signal`. */
window.cityops = window.cityops || {};
(function () {
  if (!window.EventSource) { return; }  // the periodic refresh still works
  let lastAlerts = null;
  function apply(panel) {
    const setProps = window.dash_clientside && window.dash_clientside.set_props;
    if (!setProps) { return; }
    // Only what this page shows: every update costs the renderer, and a wall of screens on
    // one machine pays it once per screen.
    for (const [id, value] of [["alarm-counts", panel.counts], ["alarm-list", panel.items],
                               ["shell-alarms", panel.counts]]) {
      const el = document.getElementById(id);
      if (el && el.offsetParent !== null) { setProps(id, {children: value}); }
    }
    if (JSON.stringify(panel.alerts) !== lastAlerts) {
      lastAlerts = JSON.stringify(panel.alerts);
      setProps("alarm-alert", {data: panel.alerts});
    }
    if (document.querySelector(".alarm-grid")) { setProps("alarm-signal", {data: panel.version}); }
  }
  function connect(lang) {
    const source = new EventSource(`/api/v1/alarms/events?lang=${encodeURIComponent(lang)}`);
    source.onmessage = (e) => apply(JSON.parse(e.data));
    // The browser reconnects by itself after a network error; after an HTTP error (a proxy
    // answering 502 during a deploy) it gives up, so start again a little later.
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { setTimeout(() => connect(lang), 5000); }
    };
  }
  window.cityops.connectPush = connect;  // called once per page by cityops.push.start
})();
