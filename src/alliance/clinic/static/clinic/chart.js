// Draws the page's Vega-Lite spec (built on the server) into #chart.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const source = document.getElementById("chart-spec");
  const target = document.getElementById("chart");
  if (!source || !target || typeof vegaEmbed !== "function") return;
  vegaEmbed(target, JSON.parse(source.textContent), { actions: false, renderer: "svg" });
});
