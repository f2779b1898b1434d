/*
 * Upgrade each static chart (<figure class="toulmin-chart" data-chart="NAME">, holding the
 * committed SVG) to the interactive Vega-Lite chart with tooltips, using the vega,
 * vega-lite and vega-embed files served from this site (assets/toulmin/vendor/vega/). Without
 * JavaScript, or if anything fails, the static SVG stays as it is.
 */
(function () {
  "use strict";

  function scheme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : null;
  }

  function embed(figure) {
    var view = figure.querySelector(".toulmin-chart-view");
    var url = figure.getAttribute("data-spec");
    if (!view || !url || typeof window.vegaEmbed !== "function") return;
    var load = figure._toulminSpec || fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.json();
      });
    figure._toulminSpec = load;
    load.then(function (spec) {
      var options = { actions: false, tooltip: true, renderer: "svg",
                      config: { background: "transparent" } };
      var theme = scheme();
      if (theme) options.theme = theme;
      var holder = document.createElement("div");
      holder.className = "toulmin-chart-interactive";
      return window.vegaEmbed(holder, spec, options).then(function (result) {
        if (figure._toulminView) figure._toulminView.finalize();
        figure._toulminView = result.view;
        view.replaceChildren(holder);
        figure.classList.add("toulmin-chart--interactive");
      });
    }).catch(function (error) {
      figure._toulminSpec = null;
      if (window.console) console.warn("toulmin chart " + figure.dataset.chart + ":", error);
    });
  }

  function upgradeAll() {
    document.querySelectorAll("figure.toulmin-chart[data-chart]").forEach(embed);
  }

  // Follow Material's light/dark toggle: re-embed with the matching theme.
  var observed = false;
  function watchScheme() {
    if (observed) return;
    observed = true;
    new MutationObserver(upgradeAll).observe(document.body, {
      attributes: true, attributeFilter: ["data-md-color-scheme"]
    });
  }

  function start() {
    watchScheme();
    upgradeAll();
  }

  // With Material's instant navigation, document$ emits on every page; else on load.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
