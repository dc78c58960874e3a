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

  function fitAlarms(list) {
    const rows = Array.from(list.children).filter(li => li.classList.contains("alarm-item"));
    rows.forEach(li => { li.hidden = false; });
    if (!overflows(list)) { return; }
    const old = list.querySelector(":scope > .alarm-more");
    const counts = {};
    try { Object.assign(counts, JSON.parse((old && old.dataset.rest) || "{}")); } catch (e) {}
    const more = note(list, "alarm-more");
    const w = words(list);
    for (let i = rows.length - 1; i > 0 && overflows(list); i--) {
      rows[i].hidden = true;
      const sev = rows[i].dataset.sev;
      counts[sev] = (counts[sev] || 0) + Number(rows[i].dataset.repeats || 1);
      more.textContent = moreText(w, counts);
    }
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
