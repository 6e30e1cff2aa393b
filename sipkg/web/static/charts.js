// Statistics charts with Apache ECharts (vendored): one horizontal bar chart per unit, from
// /statistics.json. Each bar shows its value as a reader writes it (1910亿元, RMB 191.0 bn, 288 km²),
// and its tooltip adds what the source wrote. Every label is whole, wrapped, never cut: two bars
// whose labels would read the same are told apart by the figure as stated. Charts are drawn as SVG
// and the tooltip as chart text (no HTML), so no string from the data is ever parsed as markup.
(function () {
  "use strict";
  const box = document.getElementById("charts");
  if (!box || typeof echarts !== "object") return;
  const LABEL = 320, VALUE = 150, LINE = 17, ROW = 26, FONT = 12;
  // Colours come from the stylesheet's custom properties, so it stays their one home.
  const css = getComputedStyle(document.documentElement);
  function colour(name) { return css.getPropertyValue(name).trim(); }

  // Roughly how wide a text is at the chart's font size: CJK characters are twice a Latin one.
  function width(text) {
    let w = 0;
    for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? FONT + 1 : 7;
    return w;
  }

  function labels(bars, usualArea) {
    const texts = bars.map(function (b) { return barLabel(b, usualArea); });
    const seen = {};
    texts.forEach(function (t) { seen[t] = (seen[t] || 0) + 1; });
    return texts.map(function (t, i) {
      return seen[t] > 1 && bars[i].stated ? t + " — " + bars[i].stated : t;
    });
  }

  // The area most bars are about goes unsaid; any other area is named on its bar.
  function commonest(values) {
    const counts = {};
    values.forEach(function (v) { counts[v] = (counts[v] || 0) + 1; });
    return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })[0];
  }

  function barLabel(bar, usualArea) {
    let text = bar.indicator;
    if (bar.area && bar.area !== usualArea) text += " · " + bar.area;
    if (bar.subject) text += " · " + bar.subject;
    if (bar.period) text += " (" + bar.period + ")";
    return text;
  }

  function chart(data) {
    const unit = data.unit.label.text;
    const suffix = /\/percent$/.test(data.unit.id) ? "%" : " " + unit;
    const usualArea = commonest(data.bars.map(function (b) { return b.area; }));
    const names = labels(data.bars, usualArea);
    const shown = data.bars.map(function (b) { return b.readable || String(b.value) + suffix; });
    // Every band is as tall as the longest label needs once wrapped to the label column.
    const lines = Math.max.apply(null, names.map(function (n) { return Math.ceil(width(n) / (LABEL - 8)); }));
    const band = Math.max(ROW, lines * LINE + 10);

    const figure = document.createElement("figure");
    figure.className = "chart";
    figure.dataset.unit = data.unit.id;
    const caption = document.createElement("figcaption");
    caption.textContent = unit;
    const plot = document.createElement("div");
    plot.className = "plot";
    plot.style.height = (band * data.bars.length + 16) + "px";
    plot.setAttribute("role", "img");
    plot.setAttribute("aria-label", unit);
    figure.append(caption, plot);
    box.appendChild(figure);

    const view = echarts.init(plot, null, { renderer: "svg" });
    view.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(box).fontFamily },
      grid: { left: LABEL, right: VALUE, top: 8, bottom: 8 },
      tooltip: { trigger: "item", renderMode: "richText",
                 formatter: function (p) {
                   const bar = data.bars[p.dataIndex];
                   return [names[p.dataIndex], shown[p.dataIndex], bar.stated].filter(Boolean).join("\n");
                 } },
      xAxis: { type: "value", axisLabel: { show: false }, splitLine: { lineStyle: { color: colour("--line") } } },
      yAxis: { type: "category", inverse: true, data: names,
               axisTick: { show: false }, axisLine: { lineStyle: { color: colour("--line") } },
               axisLabel: { interval: 0, width: LABEL - 8, overflow: "break", lineHeight: LINE,
                            fontSize: FONT, color: colour("--ink") } },
      series: [{ type: "bar", barMaxWidth: ROW - 8, itemStyle: { color: colour("--accent"), borderRadius: 2 },
                 data: data.bars.map(function (b) { return b.value; }),
                 label: { show: true, position: "right", fontSize: FONT, color: colour("--muted"),
                          formatter: function (p) { return shown[p.dataIndex]; } } }],
    });
    return view;
  }

  fetch(box.dataset.src, { headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(function (data) {
      if (!data.charts.length) box.textContent = box.dataset.empty;
      const views = data.charts.map(chart);
      window.addEventListener("resize", function () { views.forEach(function (v) { v.resize(); }); });
      box.charts = views;  // for tests and the console
      box.dataset.ready = "true";
    })
    .catch(function (error) {
      box.textContent = String(error);
      box.classList.add("error");
    });
})();
