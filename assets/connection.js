/* Is the server still answering? A wall screen must say so when it is not, and carry on by
   itself when it is back (Dash keeps firing its intervals; nothing here reloads the page).
   Every Dash callback request passes through fetch: note when they start failing and when
   one succeeds again; a timer below shows or hides the banner (and keeps the clock). */
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
      // Signed out meanwhile (session ended, screen's token revoked): load the page again,
      // which signs a wall screen back in by its token or shows the sign-in form.
      if (watched && response.status === 401 && !state.reloading) {
        state.reloading = true;  // once: several refused callbacks arrive together
        window.location.reload();
      }
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
  function clock(date, tz) {
    return new Intl.DateTimeFormat("en-GB", {timeZone: tz, hour: "2-digit", minute: "2-digit",
                                             second: "2-digit"}).format(date);
  }

  // Every second, without a Dash round trip: the clock, and the banner once requests have
  // failed for a few seconds (hidden again as soon as one succeeds).
  const GRACE_MS = 3000;
  setInterval(() => {
    const el = document.getElementById("clock");
    const tz = (el && el.dataset.tz) || undefined;
    if (el) { el.textContent = clock(new Date(), tz); }
    const banner = document.getElementById("conn-banner");
    if (!banner) { return; }
    const lost = state.lostSince && Date.now() - state.lostSince.getTime() >= GRACE_MS;
    banner.hidden = !lost;
    if (lost) { banner.textContent = banner.dataset.template.replace("{time}", clock(state.lostSince, tz)); }
  }, 1000);
})();
