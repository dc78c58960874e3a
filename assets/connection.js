/* Is the server still answering? A wall screen must say so when it is not, and carry on by
   itself when it is back (Dash keeps firing its intervals; nothing here reloads the page).
   Every Dash callback request passes through fetch: note when they start failing and when
   one succeeds again. The clock callback (callbacks/live.py) shows or hides the banner. */
window.cityops = window.cityops || {};
(function () {
  const state = {lostSince: null};
  const plainFetch = window.fetch.bind(window);
  function isDashUpdate(input) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    return url.includes("_dash-update-component");
  }
  window.fetch = function (input, init) {
    const watched = isDashUpdate(input);
    return plainFetch(input, init).then(response => {
      if (watched) {
        if (response.status >= 500) { state.lostSince = state.lostSince || new Date(); }
        else { state.lostSince = null; }
      }
      return response;
    }, error => {
      if (watched) { state.lostSince = state.lostSince || new Date(); }
      throw error;
    });
  };
  window.cityops.connection = {
    /* [banner text or "", hidden?]: shown once requests have failed for `graceMs`. */
    banner: function (template, tz, graceMs) {
      if (!state.lostSince || Date.now() - state.lostSince.getTime() < graceMs) { return ["", true]; }
      const time = new Intl.DateTimeFormat("en-GB", {timeZone: tz, hour: "2-digit",
        minute: "2-digit", second: "2-digit"}).format(state.lostSince);
      return [template.replace("{time}", time), false];
    },
  };
})();
