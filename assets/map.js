/* Marker and cluster drawing for the city map.
   Positions come once per domain (geobuf, property `i` = index in map order). Statuses live
   here, one character per device per domain, and are patched by applyStatus with the small
   deltas the server sends; applyStatus then restyles in place only the markers and clusters
   on screen that changed: no layer is redrawn, an open popup stays open.
   Status is shown by shape and badge as well as colour (ISA-101: never colour alone). */
window.cityops = window.cityops || {};
(function () {
  const NAME = {o: "ok", w: "warning", a: "alarm", x: "offline", u: "unknown"};
  const RANK = {alarm: 0, warning: 1, offline: 2, unknown: 3, ok: 4};
  const MARK = {alarm: "!", warning: "!", offline: "×", unknown: "?", ok: ""};
  const codes = {};  // domain -> array of one-letter codes, index = feature property `i`
  // What is on screen, to restyle in place: domain -> {style, markers: Map(i -> marker),
  // clusters: Set(entry), owner: Map(i -> cluster entry)}. A cluster entry keeps how many of
  // its devices are in each status, so a change costs O(1) whatever the cluster's size.
  const drawn = {};
  const highlighted = new Map();  // device id -> until (ms): devices of a new alarm
  // Device ids travel apart from the positions (numbers only, quicker to decode): domain ->
  // [id, ...] in map order, so feature `i` is device ids[domain][i]. Fetched once per page;
  // markers drawn before they arrive are given their id then (nameMarkers).
  const ids = {};
  let idsRequested = null;

  function idOf(domain, i) { return ids[domain] && ids[domain][i]; }

  function requestIds(url) {
    if (!url || idsRequested) { return; }
    idsRequested = fetch(url, {credentials: "same-origin"})
      .then(r => r.ok ? r.json() : Promise.reject(r.status))
      .then(all => { Object.assign(ids, all); nameMarkers(); })
      .catch(() => { idsRequested = null; });  // asked again by the next marker drawn
  }

  /* Gives the markers on screen their device id (title, data-device-id). */
  function nameMarkers() {
    for (const [domain, d] of Object.entries(drawn)) {
      for (const [i, marker] of d.markers) {
        const id = idOf(domain, i);
        const el = marker.getElement();
        marker.options.title = id;
        if (el && id) { el.title = id; tag(el, id, el.dataset.status); }
      }
    }
  }

  function isHighlighted(id) { return (highlighted.get(id) || 0) > Date.now(); }

  // The icon element is rebuilt on every restyle: put back what identifies and marks it.
  function tag(el, id, status) {
    if (!el) { return; }
    if (id) { el.dataset.deviceId = id; }
    el.dataset.status = status;
    el.classList.toggle("dev-highlight", isHighlighted(id));
  }

  function drawnOf(hideout) {
    const d = hideout.domain;
    drawn[d] = drawn[d] || {style: hideout, markers: new Map(), clusters: new Set(),
                            owner: new Map()};
    drawn[d].style = hideout;  // the newest one: it carries the status filter
    return drawn[d];
  }

  function filtering(style) { return style && style.show && style.show.length < 5; }

  // Unit, connectivity and rotation filters do not depend on status: nothing to redo when a
  // status changes. `null` means "all", so a device the config does not place still shows.
  function passesFacets(p, h) {
    if (h.only && h.only !== h.domain) { return false; }
    if (h.units && !h.units.includes(p.u)) { return false; }
    if (h.conns && !h.conns.includes(p.c)) { return false; }
    return true;
  }

  function visible(feature, h) {
    return passesFacets(feature.properties, h) &&
           (!filtering(h) || h.show.includes(statusOf(feature, h)));
  }

  // With a status filter on, a status change can move a device in or out of view: rebuild
  // the filtered layers (a user choice, so rare; without a filter nothing is rebuilt).
  function refilter(domains) {
    for (const domain of domains) {
      const d = drawn[domain];
      if (!d || !filtering(d.style) || !window.dash_clientside) { continue; }
      const hideout = Object.assign({}, d.style, {v: (d.style.v || 0) + 1});
      window.dash_clientside.set_props({type: "domain-layer", domain: domain}, {hideout: hideout});
    }
  }

  function worstOfCounts(counts) {
    for (const s of ["alarm", "warning", "offline", "unknown"]) { if (counts[s] > 0) { return s; } }
    return "ok";
  }

  function statusOf(feature, hideout) {
    const arr = codes[hideout && hideout.domain];
    return NAME[(arr && arr[feature.properties.i]) || "u"];
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
      '"': "&quot;", "'": "&#39;"}[c]));
  }

  // Markers grow with the screen: a 4K wall seen from 5 m needs twice the pixels of a laptop.
  // Read once per window size: reading the width after each marker is added would make the
  // browser lay the page out again for every marker drawn.
  let sizeForWindow = null;
  window.addEventListener("resize", () => { sizeForWindow = null; });
  function markerSize() {
    if (sizeForWindow === null) { sizeForWindow = Math.max(30, Math.round(window.innerWidth / 64)); }
    return sizeForWindow;
  }

  function deviceIcon(glyph, color, status) {
    const size = markerSize();
    return L.divIcon({
      className: "dev-icon",
      html: `<div class="dev dev-${status}" style="--c:${color};--m:${size}px"><span>${glyph}</span>` +
            (MARK[status] ? `<b class="dev-flag">${MARK[status]}</b>` : "") + "</div>",
      iconSize: [size, size], iconAnchor: [size / 2, size / 2],
    });
  }

  function clusterIcon(style, n, worst) {
    const size = Math.round(markerSize() * (n < 10 ? 1.3 : n < 100 ? 1.55 : 1.85));
    const count = n >= 10000 ? `${Math.round(n / 1000)}k` : String(n);
    return L.divIcon({
      className: "cluster-icon",
      html: `<div class="cluster cluster-${worst}" style="--c:${style.color || "#888"};--m:${markerSize()}px">` +
            `<span class="cluster-glyph">${style.glyph || ""}</span><span class="cluster-n">${count}</span>` +
            (MARK[worst] ? `<b class="dev-flag">${MARK[worst]}</b>` : "") + "</div>",
      iconSize: [size, size], iconAnchor: [size / 2, size / 2],
    });
  }

  /* changes: [[i, oldCode, newCode]] to patch in O(changes), or null to restyle all. */
  function restyle(domain, changes) {
    const d = drawn[domain];
    if (!d) { return; }
    const touched = new Set();
    const markers = changes ? changes.map(c => c[0]) : [...d.markers.keys()];
    for (const i of markers) {
      const marker = d.markers.get(i);
      if (!marker) { continue; }
      const status = NAME[codes[domain][i] || "u"];
      marker.setIcon(deviceIcon(d.style.glyph, d.style.color, status));
      tag(marker.getElement(), marker.options.title, status);
    }
    if (changes) {
      for (const [i, before, after] of changes) {
        const entry = d.owner.get(i);
        if (!entry || !d.clusters.has(entry)) { continue; }  // no longer on screen
        entry.counts[NAME[before || "u"]] -= 1;
        entry.counts[NAME[after || "u"]] += 1;
        touched.add(entry);
      }
    } else {
      for (const entry of d.clusters) { countLeaves(entry, d); touched.add(entry); }
    }
    for (const entry of touched) {
      const worst = worstOfCounts(entry.counts);
      if (worst !== entry.worst) {
        entry.worst = worst;
        entry.marker.setIcon(clusterIcon(d.style, entry.n, worst));
      }
    }
  }

  /* Counts the cluster's devices that pass the filters, per status; entry.n is their sum. */
  function countLeaves(entry, registry) {
    entry.counts = {alarm: 0, warning: 0, offline: 0, unknown: 0, ok: 0};
    entry.n = 0;
    const h = registry.style;
    for (const leaf of entry.index.getLeaves(entry.id, Infinity)) {
      if (!visible(leaf, h)) { continue; }
      entry.counts[statusOf(leaf, h)] += 1;
      entry.n += 1;
      registry.owner.set(leaf.properties.i, entry);
    }
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
           `<a class="popup-link" href="${escapeHtml(d.href)}">${escapeHtml(d.labels.open)} →</a>` +
           `<br><code>${escapeHtml(d.id)}</code></div>`;
  }

  window.cityops.map = {
    /* update: {version, full: {domain: "oowx..."}} or {version, delta: {domain: [[i, c]]}}.
       Patches the codes and restyles what is drawn; returns the number of changes. */
    applyStatus: function (update) {
      let n = 0;
      if (!update) { return n; }
      const t0 = performance.now();
      for (const [domain, str] of Object.entries(update.full || {})) {
        codes[domain] = str.split("");
        restyle(domain, null);
        n += str.length;
      }
      for (const [domain, pairs] of Object.entries(update.delta || {})) {
        const arr = codes[domain];
        if (!arr) { continue; }
        const changes = pairs.map(([i, c]) => { const before = arr[i]; arr[i] = c; return [i, before, c]; });
        restyle(domain, changes);
        n += pairs.length;
      }
      refilter(Object.keys(Object.assign({}, update.full || {}, update.delta || {})));
      window.cityops.lastApply = {version: update.version, changes: n,
                                  ms: performance.now() - t0};
      return n;
    },
    /* Leaflet asks this of clusters too, but they are built over every device: a cluster
       passes here and clusterToLayer counts (and shows) only its leaves that pass. */
    /* Mark the devices of a new alarm (assets/alert.js) for `ms`: their markers pulse, and
       the clusters on screen that hold them. */
    highlight: function (ids, ms) {
      const until = Date.now() + ms;
      ids.forEach(id => highlighted.set(id, until));
      const wanted = new Set(ids);
      for (const [domain, d] of Object.entries(drawn)) {
        for (const marker of d.markers.values()) {
          if (wanted.has(marker.options.title)) { tag(marker.getElement(), marker.options.title,
                                                      marker.getElement()?.dataset.status); }
        }
        for (const entry of d.clusters) {
          const el = entry.marker.getElement();
          if (el && entry.index.getLeaves(entry.id, Infinity)
                .some(l => wanted.has(idOf(domain, l.properties.i)))) {
            el.classList.add("dev-highlight");
            setTimeout(() => el.classList.remove("dev-highlight"), ms);
          }
        }
      }
      return until;
    },
    filter: function (feature, context) {
      return Boolean(feature.properties.cluster) || visible(feature, context.hideout || {});
    },
    /* The new map-filter with `key` set from a checklist; every option ticked means all. */
    setFilter: function (current, key, value, options) {
      const all = key === "show" ? value : (value.length === options.length ? null : value);
      return Object.assign({}, current, {[key]: all});
    },
    pointToLayer: function (feature, latlng, context) {
      const h = context.hideout || {};
      const status = statusOf(feature, h);
      const i = feature.properties.i;
      requestIds(h.ids);
      const marker = L.marker(latlng, {icon: deviceIcon(h.glyph || "•", h.color || "#888", status),
                                       keyboard: false, title: idOf(h.domain, i)});
      const registry = drawnOf(h);
      marker.on("add", () => {
        registry.markers.set(i, marker);
        tag(marker.getElement(), marker.options.title, statusOf(feature, h));
      });
      marker.on("remove", () => { if (registry.markers.get(i) === marker) { registry.markers.delete(i); } });
      return marker;
    },
    onEachFeature: function (feature, layer) {
      if (!feature.properties || feature.properties.cluster) { return; }
      // No auto-pan: moving the map re-clusters the layer, which would remove the marker and
      // close the popup the reader just opened.
      layer.bindPopup("…", {autoPan: false});
      layer.on("popupopen", (e) => {
        const lang = document.documentElement.lang || "en";
        const id = layer.options.title || "";
        fetch(`/api/v1/devices/${encodeURIComponent(id)}?lang=${lang}`)
          .then(r => r.ok ? r.json() : Promise.reject(r.status))
          .then(d => e.popup.setContent(popupHtml(d)))
          .catch(() => e.popup.setContent(escapeHtml(id)));
      });
    },
    clusterToLayer: function (feature, latlng, index, context) {
      const h = context.hideout || {};
      if (h.only && h.only !== h.domain) { return L.layerGroup(); }  // another domain's turn
      requestIds(h.ids);
      const registry = drawnOf(h);
      const entry = {index: index, id: feature.properties.cluster_id};
      countLeaves(entry, registry);
      if (entry.n === 0) { return L.layerGroup(); }  // every device in it is filtered out
      entry.worst = worstOfCounts(entry.counts);
      entry.marker = L.marker(latlng, {icon: clusterIcon(h, entry.n, entry.worst)});
      entry.marker.on("add", () => registry.clusters.add(entry));
      entry.marker.on("remove", () => registry.clusters.delete(entry));
      return entry.marker;
    },
  };
})();
