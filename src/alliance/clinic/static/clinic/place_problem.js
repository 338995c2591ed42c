// A refused form on the client page: the page comes back (after the redirect) at the form's
// place (#plan, #r12, #s34 ...). The refusal moves from the top of the page to that place,
// a folded section opens, and the form's first field takes the focus: no refused form looks
// like a page that did nothing.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const error = document.querySelector("p.error[role=alert]");
  const id = decodeURIComponent(window.location.hash.slice(1));
  const place = id && document.getElementById(id);
  if (!error || !place) return;
  const form = place.tagName === "FORM" ? place : place.querySelector("form")
    || (place.nextElementSibling && place.nextElementSibling.querySelector("form"));
  if (place.tagName === "DETAILS") place.open = true;
  error.setAttribute("tabindex", "-1");
  if (form) {
    form.parentNode.insertBefore(error, form);
    const first = form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.setAttribute("aria-describedby", "placed-problem");
    error.id = "placed-problem";
  } else {
    place.append(error);
  }
  // After the browser's own move to the #place (which would otherwise take the scroll back).
  window.addEventListener("load", function () {
    const field = form && form.querySelector("input:not([type=hidden]), select, textarea");
    (field || error).focus({ preventScroll: true });
    error.scrollIntoView({ block: "center" });
  });
});
