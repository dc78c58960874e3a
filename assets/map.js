/* Marker and cluster drawing for the city map. Statuses arrive in each layer's hideout
   ({status: {device_id: "ok"|...}, color, glyph}); positions never travel again.
   Status is shown by shape and label as well as colour (ISA-101: never colour alone). */
window.cityops = window.cityops || {};
(function () {
  const RANK = {alarm: 0, warning: 1, offline: 2, unknown: 3, ok: 4};
  const MARK = {alarm: "!", warning: "!", offline: "×", unknown: "?", ok: ""};

  function statusOf(feature, hideout) {
    return ((hideout && hideout.status) || {})[feature.properties.id] || "unknown";
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

  window.cityops.map = {
    pointToLayer: function (feature, latlng, context) {
      const h = context.hideout || {};
      const status = statusOf(feature, h);
      const marker = L.marker(latlng, {icon: deviceIcon(h.glyph || "•", h.color || "#888", status),
                                       keyboard: false, title: feature.properties.name});
      marker.getElement && marker.on("add", () => {
        const el = marker.getElement();
        if (el) { el.dataset.deviceId = feature.properties.id; el.dataset.status = status; }
      });
      return marker;
    },
    onEachFeature: function (feature, layer) {
      if (feature.properties && !feature.properties.cluster) {
        const p = feature.properties;
        layer.bindPopup(`<b>${escapeHtml(p.name)}</b><br>${escapeHtml(p.kind)}<br><code>${escapeHtml(p.id)}</code>`);
      }
    },
    clusterToLayer: function (feature, latlng, index, context) {
      const h = context.hideout || {};
      const leaves = index.getLeaves(feature.properties.cluster_id, Infinity);
      let worst = "ok";
      for (const leaf of leaves) {
        const s = statusOf(leaf, h);
        if (RANK[s] < RANK[worst]) { worst = s; }
      }
      const n = feature.properties.point_count;
      const size = Math.round(markerSize() * (n < 10 ? 1.3 : n < 100 ? 1.55 : 1.85));
      return L.marker(latlng, {icon: L.divIcon({
        className: "cluster-icon",
        html: `<div class="cluster cluster-${worst}" style="--c:${h.color || "#888"};--m:${markerSize()}px">` +
              `<span class="cluster-glyph">${h.glyph || ""}</span><span class="cluster-n">${n}</span>` +
              (MARK[worst] ? `<b class="dev-flag">${MARK[worst]}</b>` : "") + "</div>",
        iconSize: [size, size], iconAnchor: [size / 2, size / 2],
      })});
    },
  };
})();
