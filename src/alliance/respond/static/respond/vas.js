// Visual-analogue lines: no preset mark; set by tap, drag or keyboard; 0.0-10.0 to 0.1.
"use strict";
(function () {
  function setValue(slider, value) {
    const v = Math.round(Math.min(10, Math.max(0, value)) * 10) / 10;
    const input = slider.parentElement.querySelector('input[name="' + slider.dataset.field + '"]');
    const mark = slider.querySelector(".vas-mark");
    input.value = v.toFixed(1);
    mark.hidden = false;
    mark.style.left = (v * 10) + "%";
    slider.setAttribute("aria-valuenow", v.toFixed(1));
    slider.setAttribute("aria-valuetext", v.toFixed(1) + " of 10");
  }
  function fromPointer(slider, event) {
    const track = slider.querySelector(".vas-track").getBoundingClientRect();
    setValue(slider, ((event.clientX - track.left) / track.width) * 10);
  }
  function current(slider) {
    const now = slider.getAttribute("aria-valuenow");
    return now === null ? null : parseFloat(now);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".vas").forEach(function (slider) {
      const input = slider.parentElement.querySelector('input[name="' + slider.dataset.field + '"]');
      if (input.value !== "") setValue(slider, parseFloat(input.value));
      slider.addEventListener("pointerdown", function (event) {
        slider.setPointerCapture(event.pointerId);
        slider.focus();
        fromPointer(slider, event);
      });
      slider.addEventListener("pointermove", function (event) {
        if (slider.hasPointerCapture(event.pointerId)) fromPointer(slider, event);
      });
      slider.addEventListener("keydown", function (event) {
        const steps = { ArrowRight: 0.1, ArrowUp: 0.1, ArrowLeft: -0.1, ArrowDown: -0.1, PageUp: 1, PageDown: -1 };
        let value = current(slider);
        if (event.key in steps) value = (value === null ? 5 : value + steps[event.key]);
        else if (event.key === "Home") value = 0;
        else if (event.key === "End") value = 10;
        else return;
        event.preventDefault();
        setValue(slider, value);
      });
    });
    const form = document.getElementById("forms");
    if (form) form.addEventListener("submit", function (event) {
      const unset = Array.from(form.querySelectorAll(".vas-item input")).filter(function (i) { return i.value === ""; });
      const message = form.querySelector(".unset-message");
      if (unset.length) { event.preventDefault(); message.hidden = false; return; }
      form.querySelector('button[type="submit"]').disabled = true;  // one tap, one submission
    });
  });
})();
