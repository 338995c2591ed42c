// The client's form. Visual-analogue lines: no preset mark; set by a tap, a sideways slide or
// the keys, 0.0-10.0 to 0.1; cleared by "Clear" or Delete. A swipe up or down that starts on
// a line scrolls the page (CSS `touch-action: pan-y` leaves vertical pans to the browser).
// Problems are named by their question, next to it and at the top, and the first one gets
// the focus. Everything is here: the page's Content-Security-Policy forbids inline script.
"use strict";
(function () {
  // Below this movement (CSS pixels) a touch is still a tap; beyond it, its direction decides
  // between a slide along the line and a scroll of the page.
  const SLOP = 8;
  // A touch this soon after the page moved is a finger stopping a fling (the page scrolls
  // every frame while it glides), not a tap on a line.
  const SETTLE_MS = 100;
  const STEPS = {
    ArrowRight: 0.1, ArrowUp: 0.1, ArrowLeft: -0.1, ArrowDown: -0.1, PageUp: 1, PageDown: -1,
  };
  let lastScroll = -Infinity;

  function partsOf(slider) {
    const question = slider.closest(".vas-item");
    return {
      question: question,
      input: question.querySelector('input[name="' + slider.dataset.field + '"]'),
      mark: slider.querySelector(".vas-mark"),
      clear: question.querySelector(".vas-clear"),
    };
  }

  // Draw `value` (a number, or null for no mark) and keep the posted value and what a screen
  // reader announces in step with it.
  function show(slider, value) {
    const parts = partsOf(slider);
    if (value === null) {
      parts.input.value = "";
      parts.mark.hidden = true;
      parts.clear.hidden = true;
      slider.removeAttribute("aria-valuenow");
      slider.setAttribute("aria-valuetext", "not set");
      return;
    }
    const rounded = Math.round(Math.min(10, Math.max(0, value)) * 10) / 10;
    const text = rounded.toFixed(1);
    parts.input.value = text;
    parts.mark.hidden = false;
    parts.mark.style.left = rounded * 10 + "%";
    parts.clear.hidden = false;
    slider.setAttribute("aria-valuenow", text);
    slider.setAttribute("aria-valuetext", text + " out of 10");
  }

  function setByClient(slider, value) {
    show(slider, value);
    if (value !== null) resolved(partsOf(slider).question);
  }

  function current(slider) {
    const now = slider.getAttribute("aria-valuenow");
    return now === null ? null : parseFloat(now);
  }

  function valueAt(slider, clientX) {
    const track = slider.querySelector(".vas-track").getBoundingClientRect();
    return ((clientX - track.left) / track.width) * 10;
  }

  function followPointer(slider) {
    let gesture = null; // the touch being watched: where it began, and whether it slides
    slider.addEventListener("pointerdown", function (event) {
      if (event.button > 0) return;
      if (event.pointerType === "mouse") {
        // A mouse never scrolls by dragging: the mark goes where it is pressed, and follows.
        event.preventDefault();
        slider.setPointerCapture(event.pointerId);
        slider.focus({ preventScroll: true });
        gesture = { id: event.pointerId, sliding: true };
        setByClient(slider, valueAt(slider, event.clientX));
        return;
      }
      const settling = performance.now() - lastScroll < SETTLE_MS;
      gesture = settling ? null : {
        id: event.pointerId, x: event.clientX, y: event.clientY, sliding: false,
      };
    });
    slider.addEventListener("pointermove", function (event) {
      if (gesture === null || event.pointerId !== gesture.id) return;
      if (!gesture.sliding) {
        const across = Math.abs(event.clientX - gesture.x);
        const down = Math.abs(event.clientY - gesture.y);
        if (across < SLOP && down < SLOP) return;
        if (down >= across) {
          gesture = null; // a swipe up or down: the browser scrolls the page
          return;
        }
        gesture.sliding = true;
        slider.setPointerCapture(event.pointerId);
        slider.focus({ preventScroll: true });
      }
      setByClient(slider, valueAt(slider, event.clientX));
    });
    slider.addEventListener("pointerup", function (event) {
      if (gesture === null || event.pointerId !== gesture.id) return;
      if (!gesture.sliding) {
        slider.focus({ preventScroll: true });
        setByClient(slider, valueAt(slider, event.clientX)); // a tap
      }
      gesture = null;
    });
    // The browser took the touch for a scroll: it leaves no mark.
    slider.addEventListener("pointercancel", function () { gesture = null; });
  }

  function followKeys(slider) {
    slider.addEventListener("keydown", function (event) {
      let value = current(slider);
      if (event.key in STEPS) value = value === null ? 5 : value + STEPS[event.key];
      else if (event.key === "Home") value = 0;
      else if (event.key === "End") value = 10;
      else if (event.key === "Delete" || event.key === "Backspace") value = null;
      else return;
      event.preventDefault();
      setByClient(slider, value);
    });
  }

  // Problems: shown next to their question, cleared as soon as the question is answered.
  function controlOf(question) {
    return question.querySelector(".vas") || question.querySelector("input:checked")
      || question.querySelector("input");
  }

  function goTo(element, focusable) {
    focusable.focus({ preventScroll: true });
    element.scrollIntoView({ block: "center" });
  }

  function mark(question, message) {
    const shown = question.querySelector(".field-problem");
    shown.textContent = message;
    shown.hidden = false;
    question.classList.add("has-problem");
    question.querySelectorAll(".vas, input").forEach(function (control) {
      if (control.type !== "hidden") control.setAttribute("aria-invalid", "true");
    });
  }

  function resolved(question) {
    if (!question.classList.contains("has-problem")) return;
    const shown = question.querySelector(".field-problem");
    shown.textContent = "";
    shown.hidden = true;
    question.classList.remove("has-problem");
    question.querySelectorAll("[aria-invalid]").forEach(function (control) {
      control.removeAttribute("aria-invalid");
    });
  }

  function unanswered(question) {
    const line = question.querySelector(".vas");
    if (line) return partsOf(line).input.value === "";
    const choices = question.querySelector("input[required]");
    return choices !== null && !question.querySelector("input:checked");
  }

  // Name every question still to answer, the way the server names them, and go to the first.
  function nameUnanswered(form, questions) {
    const box = document.getElementById("unset");
    const list = box.querySelector("ul");
    list.replaceChildren();
    questions.forEach(function (question) {
      mark(question, question.dataset.missing);
      const link = document.createElement("a");
      link.href = "#" + question.id;
      link.textContent = question.dataset.missing;
      const entry = document.createElement("li");
      entry.appendChild(link);
      list.appendChild(entry);
    });
    const refused = document.getElementById("problems");
    if (refused) refused.hidden = true; // the server's list is out of date now
    box.hidden = false;
    goTo(questions[0], controlOf(questions[0]));
  }

  function guardSubmit(form) {
    const send = form.querySelector('button[type="submit"]');
    function check(event) {
      const lines = Array.from(form.querySelectorAll(".vas-item"));
      if (!lines.some(unanswered)) return true;
      event.preventDefault();
      // With a line unset, also name the unanswered choices, so the client sees all at once;
      // with every line set, the browser's own check of the required answers comes first.
      nameUnanswered(form, Array.from(form.querySelectorAll(".question")).filter(unanswered));
      return false;
    }
    // A click (or Enter, which clicks the send button) comes before the browser's check.
    send.addEventListener("click", check);
    form.addEventListener("submit", function (event) {
      if (check(event)) send.disabled = true; // one tap, one submission
    });
    form.addEventListener("change", function (event) {
      const question = event.target.closest(".question");
      if (question) resolved(question);
    });
  }

  function followSummaryLinks() {
    document.querySelectorAll(".problems").forEach(function (box) {
      box.addEventListener("click", function (event) {
        const link = event.target.closest("a[href^='#q-']");
        if (!link) return;
        const question = document.getElementById(link.getAttribute("href").slice(1));
        if (!question) return;
        event.preventDefault();
        goTo(question, controlOf(question));
      });
    });
  }

  // A refused page opens at its first problem, with the focus there.
  // Unless the page carries the crisis resources (a self-harm answer): then they come first,
  // at the top, and the summary below them links to each problem.
  function openAtFirstProblem() {
    const refused = document.getElementById("problems");
    if (!refused) return;
    const crisis = document.querySelector(".crisis");
    if (crisis) {
      crisis.setAttribute("tabindex", "-1");
      crisis.focus({ preventScroll: true });
      window.scrollTo(0, 0);
      return;
    }
    const first = document.querySelector(".question.has-problem");
    if (first) goTo(first, controlOf(first));
    else goTo(refused, refused);
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.addEventListener("scroll", function () { lastScroll = performance.now(); },
      { passive: true });
    document.querySelectorAll(".vas").forEach(function (slider) {
      const parts = partsOf(slider);
      const posted = parts.input.value === "" ? null : parseFloat(parts.input.value);
      show(slider, Number.isFinite(posted) ? posted : null);
      followPointer(slider);
      followKeys(slider);
      parts.clear.addEventListener("click", function () {
        show(slider, null);
        slider.focus(); // the button hides itself: the focus goes back to its line
      });
    });
    const form = document.getElementById("forms");
    if (form) guardSubmit(form);
    followSummaryLinks();
    openAtFirstProblem();
  });
})();
