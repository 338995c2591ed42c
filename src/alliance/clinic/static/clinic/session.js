// The session page updates itself when the client submits: poll the status every 2 s.
"use strict";
(function () {
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;  // text only: nothing is parsed as markup
    return node;
  }
  function fmt(value) { return String(Math.round(value * 10) / 10); }
  // Numbers first: the SRS against its cutoff, its four lines as small bars, the lowest
  // line by name; each outcome measure with its band and its change since intake.
  function numbers(data) {
    const box = el("div", "numbers");
    if (data.srs) {
      const s = data.srs;
      const srs = el("div", "srs-number" + (s.concern ? " concern" : ""));
      const head = el("p", "big");
      head.append(el("strong", "", "SRS " + fmt(s.total)), el("span", "of", " of " + s.max +
        (s.concern ? " · at or below " + s.cutoff + ": alliance concern" : " · above " + s.cutoff)));
      srs.append(head);
      const lines = el("ul", "lines");
      s.lines.forEach(function (line) {
        const row = el("li", line.label === s.lowest ? "lowest" : "");
        const bar = el("span", "meter");
        const fill = el("span", "meter-fill");
        fill.style.width = (line.value * 10) + "%";
        bar.append(fill);
        row.append(el("span", "name", line.label), bar, el("span", "value", fmt(line.value)));
        lines.append(row);
      });
      srs.append(lines);
      if (s.lowest) srs.append(el("p", "lowest-line", "Lowest: " + s.lowest));
      box.append(srs);
    }
    data.outcomes.forEach(function (o) {
      const row = el("div", "outcome");
      const head = el("p", "big");
      head.append(el("strong", "", o.name + " " + fmt(o.total)), el("span", "of", " of " + o.max +
        (o.band ? " · " + o.band : "")));
      row.append(head);
      if (o.change !== null) {
        const size = Math.abs(o.change);
        const way = o.change === 0 ? "the same as at intake (" + fmt(o.intake) + ")"
          : fmt(size) + (o.change < 0 ? " lower" : " higher") + " than at intake (" + fmt(o.intake) + ")" +
            (o.better ? ": better" : ": worse");
        row.append(el("p", "change" + (o.better === false ? " worse" : ""), way));
      } else {
        row.append(el("p", "change", "First score: the baseline"));
      }
      if (o.severe_items.length) {
        row.append(el("p", "severe", "Nearly every day: " + o.severe_items.join(", ")));
      }
      box.append(row);
    });
    return box;
  }
  // An urgent prompt carries its "record what was done" form, as on the client page.
  function acknowledgeForm(signal) {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    const form = el("form", "ack");
    form.method = "post";
    form.action = "/signals/" + signal.id + "/acknowledge/";
    const hidden = function (name, value) {
      const input = el("input"); input.type = "hidden"; input.name = name; input.value = value; return input;
    };
    if (token) form.append(hidden("csrfmiddlewaretoken", token.value));
    form.append(hidden("from", "session"));
    const action = el("select");
    action.name = "action";
    action.setAttribute("aria-label", "What was done");
    [["safety", "Risk assessed / safety plan"], ["referred", "Referred"],
     ["discussed", "Discussed with the client"]].forEach(function (pair) {
      const option = el("option", "", pair[1]); option.value = pair[0]; action.append(option);
    });
    form.append(action);
    const label = el("label", "", "Note ");
    const note = el("input"); note.name = "note"; note.required = true; note.maxLength = 4000;
    label.append(note);
    const button = el("button", "", "Record");
    button.type = "submit";
    form.append(label, button);
    return form;
  }
  function render(box, data) {
    const results = box.querySelector(".results");
    results.replaceChildren();
    box.querySelector(".waiting").hidden = data.forms.length > 0;
    if (!data.forms.length) return;
    results.append(numbers(data));
    // At most three prompts, most pressing first: what to do today.
    const list = el("ol", "prompts");
    data.prompts.forEach(function (s) {
      const item = el("li", "signal " + s.severity);
      if (s.severity === "urgent" && !s.acknowledged) item.classList.add("banner");
      item.append(el("strong", "", s.label), el("p", "action", s.suggested_action));
      const why = el("details", "why");
      why.append(el("summary", "", "Why"), el("p", "", s.explanation));
      item.append(why);
      if (s.severity === "urgent" && !s.acknowledged) item.append(acknowledgeForm(s));
      if (s.severity === "urgent" && s.acknowledged) item.append(el("p", "record", "✓ Recorded"));
      list.append(item);
    });
    if (data.prompts.length) results.append(list);
    if (data.more) {
      results.append(el("p", "quiet", data.more + " more on the client page"));
    }
  }
  // A used link (and its QR code) leaves the page; each phase offers only what is still due.
  function follow(data) {
    document.querySelectorAll(".fresh-link, li[data-link-id]").forEach(function (node) {
      if (data.open_links.indexOf(Number(node.dataset.linkId)) < 0) node.remove();
    });
    const openLinks = document.querySelector(".open-links");
    if (openLinks && !openLinks.querySelector("li")) openLinks.hidden = true;
    // Forms stored since the page was drawn join the list, each with its correction link.
    const stored = document.querySelector(".stored-forms");
    if (stored) {
      data.forms.forEach(function (f) {
        if (stored.querySelector('li[data-form-id="' + f.id + '"]')) return;
        const item = el("li");
        item.dataset.formId = f.id;
        const correct = el("a", "", "Correct");
        correct.href = "/forms/" + f.id + "/correct/";
        item.append(f.instrument.toUpperCase() + " " + fmt(f.total) + " · ", correct);
        stored.querySelector("ul").append(item);
        stored.hidden = false;
      });
    }
    document.querySelectorAll(".phase").forEach(function (phase) {
      const left = (data.outstanding[phase.dataset.phase] || []).length;
      phase.querySelector(".hand-over").hidden = left === 0;
      phase.querySelector(".all-stored").hidden = left > 0;
      phase.querySelectorAll(".tag").forEach(function (tag) {
        const name = tag.textContent.split(" ")[0].toLowerCase();
        const stored = data.forms.some(function (f) { return f.instrument === name; });
        if (stored && !tag.classList.contains("done")) {
          tag.classList.add("done");
          tag.textContent = name.toUpperCase() + " ✓ stored";
        }
      });
    });
  }
  // Signed out (the session ran out while the page was left open): say so at the top, with
  // a sign-in link that comes back to this page, and leave nothing of the client on screen.
  function signedOut(box, data) {
    const main = box.closest("main") || document.body;
    Array.prototype.forEach.call(main.children, function (node) { node.hidden = true; });
    const note = el("section", "card signed-out");
    note.setAttribute("role", "alert");
    const text = el("p", "error", data.message + " — ");
    const link = el("a", "", "sign in again");
    link.href = data.sign_in + "?next=" + encodeURIComponent(window.location.pathname);
    text.append(link);
    note.append(text);
    main.prepend(note);
  }
  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("live");
    if (!box) return;
    function poll() {
      // Marked as a poll: it does not count as activity, so an unattended page signs out.
      fetch(box.dataset.statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Alliance-Poll": "1" },
      })
        .then(function (r) {
          if (r.status === 401) {
            return r.json().then(function (data) { signedOut(box, data); return "stop"; });
          }
          return r.ok ? r.json().then(function (data) { render(box, data); follow(data); }) : null;
        })
        .catch(function () {})
        .then(function (outcome) { if (outcome !== "stop") setTimeout(poll, 2000); });
    }
    poll();
  });
})();
