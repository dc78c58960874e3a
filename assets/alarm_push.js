/* Listen to the server's alarm events (callbacks/alarm_push.py) and refresh the alarm
   callbacks at once through the `alarm-signal` store every page carries. */
window.cityops = window.cityops || {};
(function () {
  if (!window.EventSource) { return; }  // the periodic refresh still works
  function connect() {
    const source = new EventSource("/api/v1/alarms/events");
    source.onmessage = (e) => {
      if (window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("alarm-signal", {data: e.data});
      }
    };
    // The browser reconnects by itself after a network error; after an HTTP error (a proxy
    // answering 502 during a deploy) it gives up, so start again a little later.
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 5000); }
    };
  }
  window.cityops.connectPush = connect;  // called once per page by cityops.push.start
})();
