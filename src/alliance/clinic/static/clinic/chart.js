// Draws the page's Vega-Lite spec (built on the server) into #chart. Expressions are parsed
// to a syntax tree and run by vega-interpreter: the page's Content-Security-Policy allows
// no eval.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const source = document.getElementById("chart-spec");
  const target = document.getElementById("chart");
  if (!source || !target || typeof vegaEmbed !== "function" || !window.vegaInterpreter) return;
  vegaEmbed(target, JSON.parse(source.textContent), {
    actions: false,
    renderer: "svg",
    ast: true,
    expr: window.vegaInterpreter.expressionInterpreter,
  });
});
