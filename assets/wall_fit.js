/* A wall screen never scrolls. Two parts of it hold more than may fit, and each shows what
   fits and says what it leaves out, in the page's language (words from data-words):
   - the alarm list (components/alarm_list.py): rows in the server's order, most urgent
     first; its last line counts by severity every alarm left out, those the server did not
     send (data-rest of its "more" line) and those hidden here;
   - a domain page's panels (components/domain_page.py): whole panels in their order, never
     one cut in half; a last line names those left out (the laptop page has them all).
   Runs when either changes (a push, a Dash refresh) and when the window is resized. */
(function () {
  const SEVERITIES = ["critical", "major", "minor", "warning"];
  const overflows = el => el.scrollHeight > el.clientHeight + 1;

  function words(el) {
    try { return JSON.parse(el.dataset.words || "{}"); } catch (e) { return {}; }
  }

  function note(box, className) {
    let line = box.querySelector(`:scope > .${className}`);
    if (!line) {
      line = document.createElement(box.tagName === "UL" ? "li" : "p");
      line.className = className;
      box.appendChild(line);
    }
    return line;
  }

  function moreText(w, counts) {
    const total = SEVERITIES.reduce((n, s) => n + (counts[s] || 0), 0);
    const parts = SEVERITIES.filter(s => counts[s])
      .map(s => (w.sev && w.sev[s] ? w.sev[s] : `{n} ${s}`).replace("{n}", counts[s]));
    return `${(w.more || "+{n}").replace("{n}", total)}: ${parts.join(" · ")}`;
  }

  // One pass: every row's place is read at once (one layout), the rows that end below the
  // room left for the "more" line are hidden at once. Hiding row by row and asking after
  // each whether it fits now cost a layout per row, on every screen, at every change.
  function fitAlarms(list) {
    const rows = Array.from(list.children).filter(li => li.classList.contains("alarm-item"));
    rows.forEach(li => { li.hidden = false; });
    if (!overflows(list)) { return; }
    const more = note(list, "alarm-more");  // the server's own, if it left some out
    let sent = {};  // what the server left out, by severity
    try { sent = JSON.parse(more.dataset.rest || "{}"); } catch (e) {}
    const w = words(list);
    // Show the first `keep` rows; the line counts the rest with what the server left out.
    const show = keep => {
      const counts = Object.assign({}, sent);
      rows.forEach((li, i) => {
        li.hidden = i >= keep;
        if (li.hidden) {
          counts[li.dataset.sev] = (counts[li.dataset.sev] || 0) + Number(li.dataset.repeats || 1);
        }
      });
      more.textContent = moreText(w, counts);
    };
    more.textContent = moreText(w, Object.assign({}, sent, {[rows[0].dataset.sev]: 1}));
    const box = list.getBoundingClientRect();
    const pad = parseFloat(getComputedStyle(list).paddingBottom) || 0;
    const room = box.top + list.clientHeight - pad - more.getBoundingClientRect().height;
    let keep = Math.max(1, rows.filter(li => li.getBoundingClientRect().bottom <= room).length);
    show(keep);
    // The "more" line may wrap longer than its sample: then one row less, rarely twice.
    while (keep > 1 && overflows(list)) { show(--keep); }
  }

  function fitPanels(box) {
    const panels = Array.from(box.children).filter(el => el.classList.contains("dom-panel"));
    panels.forEach(el => { el.hidden = false; });
    const old = box.querySelector(":scope > .panels-left-out");
    if (old) { old.remove(); }
    if (!overflows(box)) { return; }
    const left = [];
    const line = note(box, "panels-left-out");
    const w = words(box);
    for (let i = panels.length - 1; i > 0 && overflows(box); i--) {
      panels[i].hidden = true;
      const title = panels[i].querySelector(".dom-panel-title");
      left.unshift(title ? title.textContent.trim() : "");
      line.textContent = (w.left_out || "{names}").replace("{names}", left.join(" · "));
    }
  }

  function watch(el, fit) {
    if (el.dataset.fitting) { return; }
    el.dataset.fitting = "1";
    let busy = false;
    const run = () => {
      if (busy || !el.closest(".mode-wall")) { return; }
      busy = true;
      try { fit(el); } finally { observer.takeRecords(); busy = false; }
    };
    const observer = new MutationObserver(run);
    observer.observe(el, {childList: true});
    window.addEventListener("resize", run);
    run();
  }

  // The page's layout arrives after this script: watch for the boxes to appear.
  const finder = new MutationObserver(() => {
    const list = document.getElementById("alarm-list");
    if (list) { watch(list, fitAlarms); }
    const panels = document.getElementById("domain-panels");
    if (panels) { watch(panels, fitPanels); }
  });
  document.addEventListener("DOMContentLoaded", () => {
    finder.observe(document.body, {childList: true, subtree: true});
  });
})();
