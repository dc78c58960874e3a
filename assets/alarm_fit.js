/* A wall screen never scrolls: its alarm list shows the rows that fit, most urgent first
   (the server's order), and its last line counts, by severity, every alarm left out: those
   the server did not send (data-rest of its "more" line) and those hidden here. Words come
   from the list's data-words, in the page's language (components/alarm_list.py). Runs when
   the list changes (a push, a Dash refresh) and when the window is resized. */
(function () {
  const SEVERITIES = ["critical", "major", "minor", "warning"];

  function words(list) {
    try { return JSON.parse(list.dataset.words || "{}"); } catch (e) { return {}; }
  }

  function moreText(w, counts) {
    const total = SEVERITIES.reduce((n, s) => n + (counts[s] || 0), 0);
    const parts = SEVERITIES.filter(s => counts[s])
      .map(s => (w.sev && w.sev[s] ? w.sev[s] : `{n} ${s}`).replace("{n}", counts[s]));
    return `${(w.more || "+{n}").replace("{n}", total)}: ${parts.join(" · ")}`;
  }

  function fit(list) {
    const rows = Array.from(list.children).filter(li => li.classList.contains("alarm-item"));
    rows.forEach(li => { li.hidden = false; });
    let more = list.querySelector(":scope > .alarm-more");
    if (list.scrollHeight <= list.clientHeight + 1) { return; }
    const counts = {};
    try { Object.assign(counts, JSON.parse((more && more.dataset.rest) || "{}")); } catch (e) {}
    if (!more) {
      more = document.createElement("li");
      more.className = "alarm-more";
      list.appendChild(more);
    }
    const w = words(list);
    for (let i = rows.length - 1; i > 0 && list.scrollHeight > list.clientHeight + 1; i--) {
      const li = rows[i];
      li.hidden = true;
      const sev = li.dataset.sev;
      counts[sev] = (counts[sev] || 0) + Number(li.dataset.repeats || 1);
      more.textContent = moreText(w, counts);
    }
  }

  function watch(list) {
    if (list.dataset.fitting) { return; }
    list.dataset.fitting = "1";
    let busy = false;
    const run = () => {
      if (busy || !list.closest(".mode-wall")) { return; }
      busy = true;
      try { fit(list); } finally { observer.takeRecords(); busy = false; }
    };
    const observer = new MutationObserver(run);
    observer.observe(list, {childList: true});
    window.addEventListener("resize", run);
    run();
  }

  // The list arrives with the page's layout, after this script: wait for it.
  const finder = new MutationObserver(() => {
    const list = document.getElementById("alarm-list");
    if (list) { watch(list); }
  });
  document.addEventListener("DOMContentLoaded", () => {
    finder.observe(document.body, {childList: true, subtree: true});
  });
})();
