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
  // clusters: Map(cluster id -> entry on screen), tally (see tallyOf)}. A cluster
  // entry keeps how many of its devices are in each status, so a change costs O(1) whatever
  // the cluster's size.
  const drawn = {};
  const codesVersion = {};  // domain -> bumped whenever a status changes: older tallies are stale
  const highlighted = new Map();  // device id -> until (ms): devices of a new alarm
  // Device ids travel apart from the positions (numbers only, quicker to decode): domain ->
  // [id, ...] in map order, so feature `i` is device ids[domain][i]. Fetched once per page;
  // markers drawn before they arrive are given their id then (nameMarkers).
  const ids = {};
  let idsRequested = null;
  let named = false;  // the ids are in

  function idOf(domain, i) { return ids[domain] && ids[domain][i]; }

  function requestIds(url) {
    if (!url || idsRequested) { return; }
    idsRequested = fetch(url, {credentials: "same-origin"})
      .then(r => r.ok ? r.json() : Promise.reject(r.status))
      .then(all => { Object.assign(ids, all); named = true; nameMarkers(); })
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
    scheduleDeclutter();  // a new element: its nudge, if it needs one, is set again
  }

  function drawnOf(hideout) {
    const d = hideout.domain;
    dropFirstView(d);  // the domain's own layer is drawing: it takes over
    drawn[d] = drawn[d] || {style: hideout, markers: new Map(), clusters: new Map(),
                            tally: null};
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
    const tally = d.tally;
    // Nothing to patch before a cluster is counted, or with a status filter on: refilter()
    // redraws those layers.
    const patch = tally && !(changes && filtering(d.style));
    if (patch && changes) {
      for (const [i, before, after] of changes) {
        const entry = d.clusters.get(tally.holder[i]);
        if (!entry) { continue; }  // no longer on screen
        if (!passesFacets(tally.index.points[i].properties, d.style)) { continue; }  // not counted
        entry.counts[NAME[before || "u"]] -= 1;
        entry.counts[NAME[after || "u"]] += 1;
        touched.add(entry);
      }
    } else if (patch) {
      const fresh = tallyOf(d, tally.index, tally.level);
      for (const entry of d.clusters.values()) {
        entry.counts = Object.assign(emptyCounts(), fresh.counts.get(entry.id));
        touched.add(entry);
      }
    }
    for (const entry of touched) {
      const worst = worstOfCounts(entry.counts);
      if (worst !== entry.worst) {
        entry.worst = worst;
        entry.marker.setIcon(clusterIcon(d.style, entry.n, worst));
        markCluster(entry);  // a new icon element: a pulse under way goes on
      }
    }
  }

  /* A cluster pulses while it holds the device of a new alarm (see highlight). */
  function markCluster(entry) {
    const el = entry.marker.getElement();
    if (el) { el.classList.toggle("dev-highlight", (entry.highlightUntil || 0) > Date.now()); }
    scheduleDeclutter();
  }

  function emptyCounts() { return {alarm: 0, warning: 0, offline: 0, unknown: 0, ok: 0, n: 0}; }

  /* Which item of a zoom level holds each device: holder[i] is the id of the cluster (or of
     the device itself, standing alone) that device i belongs to at `level`. Read off
     supercluster's own tree (v8: per level a flat array with, per item, [x, y, zoom, id,
     parent id, count]; a device's id is its index, a cluster's id encodes the level and
     position of the item it grew from, and the parent id names the cluster an item joined
     one level down), walking up from `level` once for all devices. Asking each cluster on
     screen for its leaves instead runs a range query per level per cluster. */
  const holders = new WeakMap();  // supercluster index -> {level: Int32Array}
  function holdersAt(index, level) {
    const byLevel = holders.get(index) || {};
    holders.set(index, byLevel);
    if (byLevel[level]) { return byLevel[level]; }
    const n = index.points.length, stride = index.stride, top = index.options.maxZoom + 1;
    const ofDevice = new Int32Array(n);
    const ofCluster = [];  // origin level -> Int32Array by origin position
    for (let z = level + 1; z <= top; z++) {  // a cluster at `level` grew from an item above
      ofCluster[z] = new Int32Array(index.trees[z].data.length / stride);
    }
    const get = id => id < n ? ofDevice[id] : ofCluster[(id - n) % 32][(id - n) >> 5];
    const set = (id, v) => {
      if (id < n) { ofDevice[id] = v; } else { ofCluster[(id - n) % 32][(id - n) >> 5] = v; }
    };
    let data = index.trees[level].data;
    for (let k = 0; k < data.length; k += stride) { set(data[k + 3], data[k + 3]); }
    for (let z = level + 1; z <= top; z++) {  // an item that joined no cluster keeps its id
      data = index.trees[z].data;
      for (let k = 0; k < data.length; k += stride) {
        if (data[k + 4] !== -1) { set(data[k + 3], get(data[k + 4])); }
      }
    }
    byLevel[level] = ofDevice;
    return ofDevice;
  }

  /* Per cluster of a zoom level, how many of its devices pass the filters, per status (and
     n, their sum): one pass over the domain's devices, kept until a status, the filters or
     the level change. */
  function tallyOf(registry, index, level) {
    const h = registry.style;
    const t = registry.tally;
    const version = codesVersion[h.domain] || 0;
    if (t && t.index === index && t.level === level && t.style === h && t.version === version) {
      return t;
    }
    const holder = holdersAt(index, level);
    const counts = new Map();
    index.points.forEach((feature, i) => {
      if (!visible(feature, h)) { return; }
      let c = counts.get(holder[i]);
      if (!c) { c = emptyCounts(); counts.set(holder[i], c); }
      c[statusOf(feature, h)] += 1;
      c.n += 1;
    });
    registry.tally = {index, level, style: h, version, holder, counts};
    return registry.tally;
  }

  function popupHtml(d) {
    const rows = Object.entries(d.values || {}).map(([k, v]) =>
      `<tr><th>${escapeHtml(v.name || k)}</th><td>${escapeHtml(v.value)} ${escapeHtml(v.unit)}</td></tr>`);
    const health = [d.last_seen && `${escapeHtml(d.labels.last_seen)}: ${escapeHtml(d.last_seen)}`,
                    d.battery != null && `${escapeHtml(d.labels.battery)}: ${escapeHtml(d.battery)} %`,
                    d.rssi != null && `RSSI ${escapeHtml(d.rssi)} dBm, SNR ${escapeHtml(d.snr)} dB`]
      .filter(Boolean).map(x => `<div>${x}</div>`).join("");
    return `<div class="popup"><b>${escapeHtml(d.name)}</b><div>${escapeHtml(d.kind)} · ` +
           `${escapeHtml(d.unit)}</div>${health}<table>${rows.join("")}</table>` +
           `<a class="popup-link" href="${escapeHtml(d.href)}">${escapeHtml(d.labels.open)} →</a>` +
           `<br><code>${escapeHtml(d.id)}</code></div>`;
  }

  // -- The first view. Before a domain's layer can draw, the browser decodes and indexes its
  // positions, after Dash's start: at 100,000 devices the map would stay empty for a while.
  // So the city map draws at once the server's grid of the devices with their statuses
  // (/api/v1/map/first-view.json, asked for as this script loads), merged into clusters for
  // its zoom; each domain's part goes as that domain's own layer starts drawing (even if it
  // then draws nothing: another domain's turn, a filter), all of it at the first layer
  // toggled or filter changed, and after FIRST_VIEW_MS in any case (its statuses do not
  // follow the live ones). Only on the pages whose map shows the whole city.
  const FIRST_VIEW_URL = "/api/v1/map/first-view.json";
  const FIRST_VIEW_MS = 30000;
  let firstView = {data: null, map: null, groups: {}, done: new Set()};

  function wholeCityPage() { return location.pathname === "/" || location.pathname === "/map"; }

  function requestFirstView(view) {
    fetch(FIRST_VIEW_URL, {credentials: "same-origin"})
      .then(r => r.ok ? r.json() : null)
      .then(data => { view.data = data; drawFirstView(); })
      .catch(() => {});  // the domains' own layers draw all the same
  }

  if (wholeCityPage()) { requestFirstView(firstView); }  // as early as can be: preloaded
  if (window.L && L.Map.addInitHook) {
    L.Map.addInitHook(function () {
      if (this.getContainer().id !== "city-map" || !wholeCityPage()) { return; }
      if (firstView.map) {  // a later city map (the reader moved between pages): ask again
        firstView = {data: null, map: null, groups: {}, done: new Set()};
        requestFirstView(firstView);
      }
      firstView.map = this;
      // Drawn when the map has fitted the city (it is created on a default view first), or
      // when the grid arrives if that is later.
      this.on("moveend", drawFirstView);
      this.on("overlayadd overlayremove", dropAllFirstView);
      setTimeout(dropAllFirstView, FIRST_VIEW_MS);
    });
  }

  function dropAllFirstView() {
    firstView.closed = true;  // and none drawn if the grid comes later
    Object.keys((firstView.data && firstView.data.domains) || {}).forEach(dropFirstView);
  }

  function drawFirstView() {
    const {data, map} = firstView;
    if (!data || !data.domains || !map || !map._loaded || firstView.closed) { return; }
    const only = location.pathname === "/map" && new URLSearchParams(location.search).get("domain");
    for (const [domain, d] of Object.entries(data.domains)) {
      if (firstView.done.has(domain) || (only && only !== domain)) { continue; }
      const group = firstView.groups[domain] || L.layerGroup().addTo(map);
      firstView.groups[domain] = group;
      group.clearLayers();
      for (const c of mergeCells(map, d.cells, data.radius)) {
        const status = NAME[c.worst];
        const icon = c.n === 1 ? deviceIcon(d.glyph, d.color, status) : clusterIcon(d, c.n, status);
        L.marker([c.lat, c.lon], {icon: icon, interactive: false, keyboard: false}).addTo(group);
      }
    }
  }

  /* Grid cells [lat, lon, devices, worst code] gathered per `radius` pixels of the map at
     its zoom: one cluster each, at its devices' mean position, with their worst status. */
  function mergeCells(map, cells, radius) {
    const zoom = map.getZoom();
    const buckets = new Map();
    for (const [lat, lon, n, worst] of cells) {
      const p = map.project([lat, lon], zoom);
      const key = `${Math.floor(p.x / radius)}:${Math.floor(p.y / radius)}`;
      const b = buckets.get(key) || {lat: 0, lon: 0, n: 0, worst: "o"};
      buckets.set(key, b);
      b.lat += lat * n;
      b.lon += lon * n;
      b.n += n;
      if (RANK[NAME[worst]] < RANK[NAME[b.worst]]) { b.worst = worst; }
    }
    return [...buckets.values()].map(b => ({lat: b.lat / b.n, lon: b.lon / b.n, n: b.n,
                                            worst: b.worst}));
  }

  function dropFirstView(domain) {
    if (firstView.done.has(domain)) { return; }
    firstView.done.add(domain);
    const group = firstView.groups[domain];
    if (group) { group.remove(); delete firstView.groups[domain]; }
  }

  // -- The town centre. Each domain clusters its own devices, so where every domain has some
  // (the centre, a square) their markers and clusters would lie on top of one another and
  // no one could read or tap them. After each draw, those that would touch on screen are
  // gathered: a few are set on a small ring around where they stand, apart by a gap; more
  // become one cluster that says what is inside, per domain (glyph and count) and the worst
  // status (mark and colour), and that opens by zooming in on them. Every target whole and
  // tappable (WCAG 2.2 target size). Nudges are in pixels (CSS `translate`, beside Leaflet's
  // own transform): where a device is on the map does not change.
  const GAP_PX = 6;
  const RING_MAX = 4;  // more than this in one place: one cluster for all of them
  let declutterPending = false;
  const gathered = new Map();  // map -> its layer of cross-domain clusters

  function scheduleDeclutter() {
    if (declutterPending) { return; }
    declutterPending = true;
    requestAnimationFrame(() => { declutterPending = false; declutter(); });
  }

  // A zoom or a pan that draws no new marker still changes what touches what.
  if (window.L && L.Map.addInitHook) {
    L.Map.addInitHook(function () { this.on("zoomend moveend", scheduleDeclutter); });
  }

  function onScreen() {
    const items = [];
    const add = (marker, style, n, worst) => {
      const map = marker._map, el = marker.getElement && marker.getElement();
      if (!map || !el) { return; }
      const p = map.latLngToLayerPoint(marker.getLatLng());
      const size = ((marker.options.icon || {}).options || {}).iconSize;
      items.push({el, map, marker, style, n, worst: worst || el.dataset.status || "unknown",
                  x: p.x, y: p.y, r: (size ? size[0] : markerSize()) / 2 + GAP_PX / 2});
    };
    for (const d of Object.values(drawn)) {
      d.markers.forEach(m => add(m, d.style, 1, null));
      d.clusters.forEach(entry => add(entry.marker, d.style, entry.n, entry.worst));
    }
    return items;
  }

  /* Groups of items that touch, directly or through one another (a grid of cells as wide as
     the largest item: each is compared with its neighbours only). */
  function touching(items) {
    const parent = items.map((_, k) => k);
    const find = k => (parent[k] === k ? k : (parent[k] = find(parent[k])));
    const cell = 2 * Math.max(1, ...items.map(it => it.r));
    const grid = new Map();
    items.forEach((it, k) => {
      const key = `${Math.floor(it.x / cell)}:${Math.floor(it.y / cell)}`;
      if (!grid.has(key)) { grid.set(key, []); }
      grid.get(key).push(k);
    });
    items.forEach((it, k) => {
      const gx = Math.floor(it.x / cell), gy = Math.floor(it.y / cell);
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (const j of grid.get(`${gx + dx}:${gy + dy}`) || []) {
            const o = items[j];
            // Icons are squares to a finger (and to axe): they touch if both spans overlap.
            if (j > k && Math.abs(it.x - o.x) < it.r + o.r && Math.abs(it.y - o.y) < it.r + o.r) {
              parent[find(j)] = find(k);
            }
          }
        }
      }
    });
    const groups = new Map();
    items.forEach((it, k) => {
      const g = find(k);
      if (!groups.has(g)) { groups.set(g, []); }
      groups.get(g).push(it);
    });
    return [...groups.values()];
  }

  /* Where a group's members go: a ring of nudges for a few, one gathering icon for more
     (or none at the map's last zoom, where nothing can be opened further). */
  function layout(group) {
    const n = group.length;
    const cx = group.reduce((a, it) => a + it.x, 0) / n;
    const cy = group.reduce((a, it) => a + it.y, 0) / n;
    if (n === 1) { return {group, discs: [{x: group[0].x, y: group[0].y, r: group[0].r}]}; }
    const map = group[0].map;
    if (n > RING_MAX && map.getZoom() < map.getMaxZoom()) {
      const icon = gatherIcon(group);
      const [w, h] = icon.options.iconSize;
      return {group, icon, discs: [{x: cx, y: cy, r: Math.max(w, h) / 2 + GAP_PX / 2}]};
    }
    const r = Math.max(...group.map(it => it.r));
    // Neighbours on the ring never overlap as squares: their distance is at least 2r in x or
    // in y (2r√2 apart; a pair stands one above the other, 2r apart).
    const ring = n === 2 ? r : (r * Math.SQRT2) / Math.sin(Math.PI / n);
    // Round the ring in the order they lie around the middle: each keeps to its side.
    const order = [...group].sort((a, b) => Math.atan2(a.y - cy, a.x - cx)
                                            - Math.atan2(b.y - cy, b.x - cx));
    const at = new Map(order.map((it, k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * k) / n;
      return [it, {x: cx + ring * Math.cos(angle), y: cy + ring * Math.sin(angle), r: it.r}];
    }));
    return {group, at, discs: [...at.values()]};
  }

  /* Lay the groups out, then join the groups whose layouts touch and lay them out again,
     until none touch (a ring can reach a neighbour; a gathering icon is wider than one). */
  function settle(groups) {
    let laid = groups.map(layout);
    for (let round = 0; round < 8; round++) {
      const discs = [];
      laid.forEach((l, g) => l.discs.forEach(d => discs.push(Object.assign({g}, d))));
      const parent = laid.map((_, g) => g);
      const find = g => (parent[g] === g ? g : (parent[g] = find(parent[g])));
      let merged = false;
      for (const set of touching(discs)) {
        for (const d of set) {
          if (find(d.g) !== find(set[0].g)) { parent[find(d.g)] = find(set[0].g); merged = true; }
        }
      }
      if (!merged) { return laid; }
      const classes = new Map();
      laid.forEach((l, g) => {
        const root = find(g);
        classes.set(root, (classes.get(root) || []).concat(l.group));
      });
      laid = [...classes.values()].map(layout);
    }
    return laid;
  }

  function gatherIcon(group) {
    const byDomain = new Map();
    let worst = "ok";
    for (const it of group) {
      const key = it.style.domain;
      const row = byDomain.get(key) || {style: it.style, n: 0};
      row.n += it.n;
      byDomain.set(key, row);
      if (RANK[it.worst] < RANK[worst]) { worst = it.worst; }
    }
    const rows = [...byDomain.values()].sort((a, b) => b.n - a.n);
    const size = markerSize();
    const cols = rows.length > 4 ? 2 : 1;
    const width = Math.round(size * (cols === 2 ? 3.6 : 2.1));
    const height = Math.round(size * 0.62 * Math.ceil(rows.length / cols) + size * 0.5);
    const html = `<div class="town town-${worst}" style="--m:${size}px;--cols:${cols}">` +
      rows.map(r => `<span class="town-row"><b class="town-glyph" style="--c:${r.style.color}">` +
                    `${escapeHtml(r.style.glyph || "")}</b>${r.n}</span>`).join("") +
      (MARK[worst] ? `<b class="dev-flag">${MARK[worst]}</b>` : "") + "</div>";
    return L.divIcon({className: "town-icon", html: html, iconSize: [width, height],
                      iconAnchor: [width / 2, height / 2]});
  }

  function declutter() {
    const items = onScreen();
    for (const layer of gathered.values()) { layer.clearLayers(); }
    for (const l of settle(touching(items))) {
      if (l.icon) {
        const map = l.group[0].map;
        if (!gathered.has(map)) { gathered.set(map, L.layerGroup().addTo(map)); }
        const bounds = L.latLngBounds(l.group.map(it => it.marker.getLatLng()));
        const where = map.layerPointToLatLng([l.discs[0].x, l.discs[0].y]);
        const marker = L.marker(where, {icon: l.icon, keyboard: true,
                                        title: l.group.map(it => it.style.glyph).join(" ")});
        marker.on("click", () => map.flyToBounds(bounds.pad(0.5), {maxZoom: 18}));
        marker.addTo(gathered.get(map));
        // A new alarm's device inside: the gathering pulses for it.
        const pulsing = l.group.some(it => it.el.classList.contains("dev-highlight"));
        if (marker.getElement()) { marker.getElement().classList.toggle("dev-highlight", pulsing); }
        l.group.forEach(it => { it.el.style.translate = ""; it.el.classList.add("town-gathered"); });
        continue;
      }
      l.group.forEach(it => {
        it.el.classList.remove("town-gathered");
        const to = l.at && l.at.get(it);
        it.el.style.translate = to ? `${(to.x - it.x).toFixed(1)}px ${(to.y - it.y).toFixed(1)}px`
                                   : "";
      });
    }
  }

  window.cityops.map = {
    /* How many domains' own layers have drawn (the first view is gone for those). */
    layersDrawn: () => Object.keys(drawn).length,
    /* Spread again what touches (tests and a resize call it; draws schedule it). */
    declutter: declutter,
    /* Whether the device ids are in: marker titles, popups and alarm highlights need them. */
    named: () => named,
    /* update: {version, full: {domain: "oowx..."}} or {version, delta: {domain: [[i, c]]}}.
       Patches the codes and restyles what is drawn; returns the number of changes. */
    applyStatus: function (update) {
      let n = 0;
      if (!update) { return n; }
      const t0 = performance.now();
      for (const [domain, str] of Object.entries(update.full || {})) {
        codesVersion[domain] = (codesVersion[domain] || 0) + 1;
        codes[domain] = str.split("");
        restyle(domain, null);
        n += str.length;
      }
      for (const [domain, pairs] of Object.entries(update.delta || {})) {
        const arr = codes[domain];
        if (!arr || !pairs.length) { continue; }
        codesVersion[domain] = (codesVersion[domain] || 0) + 1;
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
    highlight: function (deviceIds, ms) {
      const until = Date.now() + ms;
      deviceIds.forEach(id => highlighted.set(id, until));
      const wanted = new Set(deviceIds);
      for (const [domain, d] of Object.entries(drawn)) {
        for (const marker of d.markers.values()) {
          if (wanted.has(marker.options.title)) { tag(marker.getElement(), marker.options.title,
                                                      marker.getElement()?.dataset.status); }
        }
        const holding = new Set();  // the clusters that hold a wanted device
        if (d.tally) {
          (ids[domain] || []).forEach((id, i) => { if (wanted.has(id)) { holding.add(d.tally.holder[i]); } });
        }
        for (const entry of d.clusters.values()) {
          if (!holding.has(entry.id)) { continue; }
          entry.highlightUntil = until;
          markCluster(entry);
          setTimeout(() => markCluster(entry), ms + 10);
        }
      }
      return until;
    },
    filter: function (feature, context) {
      dropFirstView((context.hideout || {}).domain);  // its own layer is at work
      return Boolean(feature.properties.cluster) || visible(feature, context.hideout || {});
    },
    /* The new map-filter with `key` set from a checklist; every option ticked means all. */
    setFilter: function (current, key, value, options) {
      dropAllFirstView();  // drawn without filters
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
      const id = feature.properties.cluster_id;
      const tally = tallyOf(registry, index, index._limitZoom(context.map.getZoom()));
      const counts = tally.counts.get(id);
      if (!counts) { return L.layerGroup(); }  // every device in it is filtered out
      const entry = {id: id, counts: Object.assign({}, counts), n: counts.n,
                     worst: worstOfCounts(counts)};
      entry.marker = L.marker(latlng, {icon: clusterIcon(h, entry.n, entry.worst)});
      entry.marker.on("add", () => { registry.clusters.set(id, entry); scheduleDeclutter(); });
      entry.marker.on("remove", () => {
        if (registry.clusters.get(id) === entry) { registry.clusters.delete(id); }
      });
      return entry.marker;
    },
  };
})();
