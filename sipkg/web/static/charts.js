// Statistics charts without a library: one horizontal bar chart (SVG) per unit, from
// /statistics.json. Values are in base units; each bar says what the source wrote in its tooltip.
(function () {
  "use strict";
  const box = document.getElementById("charts");
  if (!box) return;
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 820, LABEL = 330, VALUE = 150, ROW = 26, TOP = 6;
  const locale = box.dataset.locale || "zh-Hans";
  const compact = new Intl.NumberFormat(locale, { notation: "compact", maximumSignificantDigits: 4 });

  function svg(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (k) { element.setAttribute(k, attributes[k]); });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
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
    const figure = document.createElement("figure");
    figure.className = "chart";
    figure.dataset.unit = data.unit.id;
    const caption = document.createElement("figcaption");
    caption.textContent = unit;
    const max = Math.max.apply(null, data.bars.map(function (b) { return b.value; })) || 1;
    const span = WIDTH - LABEL - VALUE;
    const height = TOP * 2 + ROW * data.bars.length;
    const plot = svg("svg", { viewBox: "0 0 " + WIDTH + " " + height, width: "100%", role: "img",
                              "aria-label": unit });
    data.bars.forEach(function (bar, i) {
      const y = TOP + i * ROW;
      const full = barLabel(bar, usualArea);
      const row = svg("g", { class: "bar" });
      const tip = [full, bar.area, bar.stated].filter(Boolean).join(" — ");
      row.appendChild(svg("title", {}, tip));
      row.appendChild(svg("text", { x: LABEL - 8, y: y + ROW / 2, "text-anchor": "end",
                                    "dominant-baseline": "middle", class: "label" }, shorten(full, 30)));
      const length = Math.max(1, span * bar.value / max);
      row.appendChild(svg("rect", { x: LABEL, y: y + 4, width: length, height: ROW - 8, rx: 2, class: "fill",
                                    "data-value": bar.value }));
      row.appendChild(svg("text", { x: LABEL + length + 6, y: y + ROW / 2, "dominant-baseline": "middle",
                                    class: "value" }, compact.format(bar.value) + suffix));
      plot.appendChild(row);
    });
    figure.append(caption, plot);
    return figure;
  }

  fetch(box.dataset.src, { headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(function (data) {
      if (!data.charts.length) box.textContent = box.dataset.empty;
      data.charts.forEach(function (c) { box.appendChild(chart(c)); });
      box.dataset.ready = "true";
    })
    .catch(function (error) {
      box.textContent = String(error);
      box.classList.add("error");
    });
})();
