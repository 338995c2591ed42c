// A refused form opens at its first problem: the page scrolls there and the field takes the
// focus, so a refusal never looks like a page that did nothing.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const field = document.querySelector("[aria-invalid=true], fieldset[aria-describedby] input");
  const target = field || document.getElementById("problems");
  if (!target) return;
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
});
