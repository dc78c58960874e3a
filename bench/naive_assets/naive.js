/* The naive baseline: every feature carries its status; the whole list comes again on every
   refresh and dash-leaflet rebuilds the layer from it. Drawn like CityOps for a fair race. */
window.naive = {
  point: function (f, latlng, ctx) {
    const h = ctx.hideout || {};
    return L.marker(latlng, {title: f.properties.id, icon: L.divIcon({className: "dev-icon",
      html: `<div class="dev dev-${f.properties.status}" style="--c:${h.color}">${h.glyph}</div>`,
      iconSize: [30, 30], iconAnchor: [15, 15]})});
  },
  cluster: function (f, latlng, index, ctx) {
    const h = ctx.hideout || {};
    const rank = {alarm: 0, warning: 1, offline: 2, unknown: 3, ok: 4};
    let worst = "ok";
    for (const leaf of index.getLeaves(f.properties.cluster_id, Infinity)) {
      if (rank[leaf.properties.status] < rank[worst]) { worst = leaf.properties.status; }
    }
    return L.marker(latlng, {icon: L.divIcon({className: "cluster-icon",
      html: `<div class="cluster cluster-${worst}" style="--c:${h.color}">` +
            `<span class="cluster-glyph">${h.glyph}</span>${f.properties.point_count}</div>`,
      iconSize: [46, 46], iconAnchor: [23, 23]})});
  },
};
