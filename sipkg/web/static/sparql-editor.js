/* The SPARQL editor page: YASGUI on this endpoint, our prefixes, the example gallery, the truncation warning,
   and warnings from sparql-lint.js while a query is written (lang() compared with a mixed-case tag).
   Settings come from the data- attributes of #yasgui (no inline script); nothing here talks to another host. */
(function () {
  "use strict";

  var host = document.getElementById("yasgui");
  if (!host || !window.Yasgui) return;

  var endpoint = new URL(host.dataset.endpoint, window.location.href).href;
  var prefixes = JSON.parse(host.dataset.prefixes);
  var Yasqe = Yasgui.Yasqe;

  // Prefix completion offers our prefixes first, then YASGUI's bundled list; never prefix.cc.
  Yasqe.forkAutocompleter("prefixes", {
    name: "sipkgPrefixes",
    get: function (yasqe) {
      var ours = Object.keys(prefixes).map(function (p) { return p + ": <" + prefixes[p] + ">"; });
      return Yasqe.Autocompleters.prefixes.get(yasqe).then(function (bundled) {
        return ours.concat(bundled.filter(function (line) { return ours.indexOf(line) < 0; }));
      });
    },
  }, false);
  // Only completers that stay on the page: the class and property ones ask an outside vocabulary service.
  Yasqe.defaults.autocompleters = ["sipkgPrefixes", "variables"];
  Yasqe.defaults.prefixCcApi = null;

  var yasgui = new Yasgui(host, {
    persistenceId: "sipkg-" + window.location.host,
    copyEndpointOnNewTab: false,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: host.dataset.starter },
    yasr: { prefixes: prefixes, defaultPlugin: "table" },
  });

  /* Truncation: the endpoint cuts answers at a row cap and says so in the X-Result-Truncated and
     X-Result-Limit headers, and in SPARQL JSON with a top-level "truncated": true. */
  function truncation(response) {
    if (!response || !response.headers || typeof response.headers.get !== "function") return null;
    var body = null;
    try { body = JSON.parse(response.content); } catch (e) { body = null; }
    var flagged = (response.headers.get("X-Result-Truncated") || "").toLowerCase() === "true";
    if (!flagged && !(body && body.truncated === true)) return null;
    var limit = parseInt(response.headers.get("X-Result-Limit"), 10);
    if (isNaN(limit) && body && body.results && body.results.bindings) limit = body.results.bindings.length;
    return { limit: isNaN(limit) ? null : limit };
  }

  function banner(tab) {
    var yasr = tab.getYasr();
    if (!yasr) return null;
    var el = yasr.rootEl.parentNode.querySelector(":scope > .truncation-warning");
    if (!el) {
      el = document.createElement("div");
      el.className = "truncation-warning";
      el.setAttribute("role", "alert");
      el.hidden = true;
      yasr.rootEl.parentNode.insertBefore(el, yasr.rootEl);
    }
    return el;
  }

  function showTruncation(tab, cut) {
    var el = banner(tab);
    if (!el) return;
    el.hidden = !cut;
    if (!cut) return;
    var n = cut.limit === null ? "" : " " + cut.limit + " ";
    el.textContent = "";
    var zh = document.createElement("span");
    zh.lang = "zh-Hans";
    zh.textContent = "结果已截断：只显示前" + n + "行。请缩小查询范围（加 LIMIT 或更具体的条件）。";
    var en = document.createElement("span");
    en.lang = "en";
    en.textContent = "Results truncated: only the first" + n + "rows are shown. Narrow the query (a LIMIT or tighter patterns).";
    el.append(zh, " ", en);
  }

  function showLint(yasqe) {
    var holder = yasqe.getWrapperElement().parentNode;
    var el = holder.querySelector(":scope > .lint-warning");
    if (!el) {
      el = document.createElement("div");
      el.className = "lint-warning";
      el.setAttribute("role", "status");
      holder.insertBefore(el, yasqe.getWrapperElement().nextSibling);
    }
    var warnings = window.sipkgLint ? window.sipkgLint.langCase(yasqe.getValue()) : [];
    el.hidden = warnings.length === 0;
    el.textContent = "";
    warnings.forEach(function (w) {
      var text = window.sipkgLint.message(w), p = document.createElement("p");
      var zh = document.createElement("span"), en = document.createElement("span");
      zh.lang = "zh-Hans";
      zh.textContent = text.zh;
      en.lang = "en";
      en.textContent = text.en;
      p.append(zh, " ", en);
      el.append(p);
    });
  }

  var watched = new WeakSet();
  function watch(tab) {
    var yasqe = tab && tab.getYasqe();
    if (!yasqe || watched.has(yasqe)) return;
    watched.add(yasqe);
    yasqe.on("queryResponse", function (_yasqe, response) { showTruncation(tab, truncation(response)); });
    yasqe.on("change", function () { showLint(yasqe); });
    showLint(yasqe);
  }
  // A query started from the URL runs while YASGUI is being built: watch the tab shown now, too.
  watch(yasgui.getTab());
  yasgui.on("tabSelect", function (_y, id) { window.setTimeout(function () { watch(yasgui.getTab(id)); }); });
  yasgui.on("queryBefore", function (_y, tab) { watch(tab); showTruncation(tab, null); });

  function openQuery(name, query) {
    var tab = yasgui.addTab(true, { name: name, yasqe: { value: query } }, { avoidDuplicateTabs: true });
    watch(tab);
    return tab;
  }

  // A query handed over by the server (e.g. a form POST) opens unless YASGUI already took it from the URL.
  var given = host.dataset.query;
  var current = yasgui.getTab();
  if (given && !(current && current.getQuery() === given)) openQuery("Query", given);

  // The gallery: each link also works without scripts (/sparql?query=…); with them it opens a tab.
  document.querySelectorAll("a.example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      var query = new URL(link.href).searchParams.get("query");
      openQuery(link.dataset.file.replace(/\.rq$/, ""), query);
      host.scrollIntoView({ block: "start" });
    });
  });
})();
