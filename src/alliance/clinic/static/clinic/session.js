// The session page updates itself when the client submits: poll the status every 2 s.
"use strict";
(function () {
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // text only: nothing is parsed as markup
    return node;
  }
  function render(box, data) {
    const results = box.querySelector(".results");
    results.replaceChildren();
    box.querySelector(".waiting").hidden = data.forms.length > 0;
    // One card: the headline (the most pressing signal) in full, the others under it.
    const [headline, ...others] = data.signals;
    if (headline) {
      const card = el("div", "signal " + headline.severity);
      if (headline.severity === "urgent") card.classList.add("banner");
      card.append(el("strong", "", headline.label), el("p", "", headline.explanation),
        el("p", "action", headline.suggested_action));
      if (others.length) {
        const more = el("details", "also");
        more.append(el("summary", "", "Also: " + others.map(function (s) { return s.label; }).join(" · ")));
        others.forEach(function (s) {
          const item = el("div", "signal " + s.severity);
          item.append(el("strong", "", s.label), el("p", "", s.explanation), el("p", "action", s.suggested_action));
          more.append(item);
        });
        card.append(more);
      }
      results.append(card);
    }
    data.forms.forEach(function (f) {
      let line = f.instrument.toUpperCase() + " " + f.total;
      if (f.band) line += " (" + f.band + ")";
      if (f.lowest_items.length) line += " · lowest items " + f.lowest_items.join(", ");
      results.append(el("p", "score", line));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("live");
    if (!box) return;
    function poll() {
      fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) render(box, data); })
        .catch(function () {})
        .finally(function () { setTimeout(poll, 2000); });
    }
    poll();
  });
})();
