/* On a new alarm of an alerting severity (settings: critical, optionally major): a flash
   over every page, a sound, and the device's marker highlighted on the map. Alarms already
   there when the page opened are not announced again: the list shows them.
   Sound without a click needs Chromium's `--autoplay-policy=no-user-gesture-required`
   (kiosk wall screens; see the README). */
window.cityops = window.cityops || {};
(function () {
  let known = null;  // alarm ids seen so far; null until the first list arrives
  let hideTimer = null;
  const FLASH_MS = 15000;

  function beep() {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { return; }
      const ctx = window.cityops.audio = window.cityops.audio || new Ctx();
      if (ctx.state === "suspended") { ctx.resume(); }
      [0, 0.35, 0.7].forEach((at) => {  // three short tones: unmistakable, not shrill
        const osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, ctx.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.4, ctx.currentTime + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + at + 0.25);
        osc.connect(gain).connect(ctx.destination);
        osc.start(ctx.currentTime + at);
        osc.stop(ctx.currentTime + at + 0.3);
      });
      window.cityops.alert.beeps += 1;
    } catch (e) { /* no audio device: the flash still shows */ }
  }

  window.cityops.alert = {
    beeps: 0,
    /* alerts: [{id, severity, message, device, device_id}], newest first.
       Returns [flash text, hidden] for the #alarm-flash element. */
    show: function (alerts) {
      const nu = dc => window.dash_clientside.no_update;
      if (known === null) { known = new Set(alerts.map(a => a.id)); return [nu(), nu()]; }
      const fresh = alerts.filter(a => !known.has(a.id));
      alerts.forEach(a => known.add(a.id));
      if (!fresh.length) { return [nu(), nu()]; }
      beep();
      if (window.cityops.map && window.cityops.map.highlight) {
        window.cityops.map.highlight(fresh.map(a => a.device_id).filter(Boolean), FLASH_MS * 4);
      }
      clearTimeout(hideTimer);
      hideTimer = setTimeout(() => {
        const el = document.getElementById("alarm-flash");
        if (el) { el.hidden = true; }
      }, FLASH_MS);
      const a = fresh[0];
      const more = fresh.length > 1 ? ` (+${fresh.length - 1})` : "";
      return [`${a.severity} · ${a.message} · ${a.device}${more}`, false];
    },
  };

  window.cityops.push = {
    started: false,
    /* opts: {lang, poll_ms}, or null when push is off (settings). */
    start: function (opts) {
      if (opts && !this.started && window.cityops.connectPush) {
        this.started = true;
        window.cityops.connectPush(opts.lang, opts.poll_ms);
      }
      return Boolean(opts);
    },
  };
})();
