/* Marker and cluster drawing for the city map.
   Positions come once per domain (geobuf, property `i` = index in map order). Statuses live
   here, one character per device per domain, and are patched by applyStatus with the small
   deltas the server sends; a layer's hideout only carries {domain, v, color, glyph}, and
   bumping `v` makes dash-leaflet redraw what is on screen.
   Status is shown by shape and badge as well as colour (ISA-101: never colour alone). */
window.cityops = window.cityops || {};
(function () {
  const NAME = {o: "ok", w: "warning", a: "alarm", x: "offline", u: "unknown"};
  const RANK = {alarm: 0, warning: 1, offline: 2, unknown: 3, ok: 4};
  const MARK = {alarm: "!", warning: "!", offline: "×", unknown: "?", ok: ""};
  const codes = {};  // domain -> array of one-letter codes, index = feature property `i`

  function statusOf(feature, hideout) {
    const arr = codes[hideout && hideout.domain];
    return NAME[(arr && arr[feature.properties.i]) || "u"];
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
      '"': "&quot;", "'": "&#39;"}[c]));
  }

  // Markers grow with the screen: a 4K wall seen from 5 m needs twice the pixels of a laptop.
  function markerSize() { return Math.max(30, Math.round(window.innerWidth / 64)); }

  function deviceIcon(glyph, color, status) {
    const size = markerSize();
    return L.divIcon({
      className: "dev-icon",
      html: `<div class="dev dev-${status}" style="--c:${color};--m:${size}px"><span>${glyph}</span>` +
            (MARK[status] ? `<b class="dev-flag">${MARK[status]}</b>` : "") + "</div>",
      iconSize: [size, size], iconAnchor: [size / 2, size / 2],
    });
  }

  function popupHtml(d) {
    const rows = Object.entries(d.values || {}).map(([k, v]) =>
      `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v.value)} ${escapeHtml(v.unit)}</td></tr>`);
    const health = [d.last_seen && `${escapeHtml(d.labels.last_seen)}: ${escapeHtml(d.last_seen)}`,
                    d.battery != null && `${escapeHtml(d.labels.battery)}: ${escapeHtml(d.battery)} %`,
                    d.rssi != null && `RSSI ${escapeHtml(d.rssi)} dBm, SNR ${escapeHtml(d.snr)} dB`]
      .filter(Boolean).map(x => `<div>${x}</div>`).join("");
    return `<div class="popup"><b>${escapeHtml(d.name)}</b><div>${escapeHtml(d.kind)} · ` +
           `${escapeHtml(d.unit)}</div>${health}<table>${rows.join("")}</table>` +
           `<code>${escapeHtml(d.id)}</code></div>`;
  }

  window.cityops.map = {
    /* update: {version, full: {domain: "oowx..."}} or {version, delta: {domain: [[i, c]]}}.
       Returns the set of domains that changed. */
    applyStatus: function (update) {
      const changed = new Set();
      if (!update) { return changed; }
      for (const [domain, str] of Object.entries(update.full || {})) {
        codes[domain] = str.split("");
        changed.add(domain);
      }
      for (const [domain, pairs] of Object.entries(update.delta || {})) {
        const arr = codes[domain];
        if (!arr) { continue; }
        for (const [i, c] of pairs) { arr[i] = c; }
        changed.add(domain);
      }
      return changed;
    },
    pointToLayer: function (feature, latlng, context) {
      const h = context.hideout || {};
      const status = statusOf(feature, h);
      const marker = L.marker(latlng, {icon: deviceIcon(h.glyph || "•", h.color || "#888", status),
                                       keyboard: false, title: feature.properties.id});
      marker.on("add", () => {
        const el = marker.getElement();
        if (el) { el.dataset.deviceId = feature.properties.id; el.dataset.status = status; }
      });
      return marker;
    },
    onEachFeature: function (feature, layer) {
      if (!feature.properties || feature.properties.cluster) { return; }
      layer.bindPopup("…");
      layer.on("popupopen", (e) => {
        const lang = document.documentElement.lang || "en";
        fetch(`/api/v1/devices/${encodeURIComponent(feature.properties.id)}?lang=${lang}`)
          .then(r => r.ok ? r.json() : Promise.reject(r.status))
          .then(d => e.popup.setContent(popupHtml(d)))
          .catch(() => e.popup.setContent(escapeHtml(feature.properties.id)));
      });
    },
    clusterToLayer: function (feature, latlng, index, context) {
      const h = context.hideout || {};
      const leaves = index.getLeaves(feature.properties.cluster_id, Infinity);
      let worst = "ok";
      for (const leaf of leaves) {
        const s = statusOf(leaf, h);
        if (RANK[s] < RANK[worst]) { worst = s; if (worst === "alarm") { break; } }
      }
      const n = feature.properties.point_count;
      const size = Math.round(markerSize() * (n < 10 ? 1.3 : n < 100 ? 1.55 : 1.85));
      const count = n >= 10000 ? `${Math.round(n / 1000)}k` : String(n);
      return L.marker(latlng, {icon: L.divIcon({
        className: "cluster-icon",
        html: `<div class="cluster cluster-${worst}" style="--c:${h.color || "#888"};--m:${markerSize()}px">` +
              `<span class="cluster-glyph">${h.glyph || ""}</span><span class="cluster-n">${count}</span>` +
              (MARK[worst] ? `<b class="dev-flag">${MARK[worst]}</b>` : "") + "</div>",
        iconSize: [size, size], iconAnchor: [size / 2, size / 2],
      })});
    },
  };
})();
