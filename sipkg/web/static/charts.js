// Statistics charts without a library: one horizontal bar chart (SVG) per unit, from
// /statistics.json. Each bar shows its value as a reader writes it (1910亿元, RMB 191.0 bn, 288 km²),
// says what the source wrote in its tooltip, and has its whole label, wrapped, never cut: two bars
// whose labels would read the same are told apart by the figure as stated.
(function () {
  "use strict";
  const box = document.getElementById("charts");
  if (!box) return;
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 860, LABEL = 340, VALUE = 150, LINE = 15, ROW = 26, TOP = 6;

  function svg(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (k) { element.setAttribute(k, attributes[k]); });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // Roughly how wide a text is at the chart's font size: CJK characters are twice a Latin one.
  function width(text) {
    let w = 0;
    for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 13 : 7;
    return w;
  }

  // The label in lines that fit the label column, broken between words (or anywhere in CJK).
  function lines(text, room) {
    const out = [];
    let line = "";
    for (const piece of text.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+/g) || []) {
      if (line && width(line + piece.trimEnd()) > room) {
        out.push(line.trimEnd());
        line = piece.trimStart();
      } else {
        line += piece;
      }
    }
    if (line.trim()) out.push(line.trimEnd());
    return out;
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
    const figure = document.createElement("figure");
    figure.className = "chart";
    figure.dataset.unit = data.unit.id;
    const caption = document.createElement("figcaption");
    caption.textContent = unit;
    const max = Math.max.apply(null, data.bars.map(function (b) { return b.value; })) || 1;
    const span = WIDTH - LABEL - VALUE;
    const names = labels(data.bars, usualArea);
    const wrapped = names.map(function (n) { return lines(n, LABEL - 16); });
    const heights = wrapped.map(function (ls) { return Math.max(ROW, ls.length * LINE + 10); });
    const height = TOP * 2 + heights.reduce(function (a, b) { return a + b; }, 0);
    const plot = svg("svg", { viewBox: "0 0 " + WIDTH + " " + height, width: "100%", role: "img",
                              "aria-label": unit });
    let y = TOP;
    data.bars.forEach(function (bar, i) {
      const h = heights[i], middle = y + h / 2;
      const row = svg("g", { class: "bar" });
      const shown = bar.readable || String(bar.value) + suffix;
      const tip = [names[i], shown, bar.stated].filter(Boolean).join(" — ");
      row.appendChild(svg("title", {}, tip));
      const label = svg("text", { x: LABEL - 8, y: middle - (wrapped[i].length - 1) * LINE / 2,
                                  "text-anchor": "end", "dominant-baseline": "middle", class: "label" });
      wrapped[i].forEach(function (line, n) {
        label.appendChild(svg("tspan", { x: LABEL - 8, dy: n ? LINE : 0 }, line));
      });
      row.appendChild(label);
      const length = Math.max(1, span * bar.value / max);
      row.appendChild(svg("rect", { x: LABEL, y: middle - (ROW - 8) / 2, width: length, height: ROW - 8, rx: 2,
                                    class: "fill", "data-value": bar.value }));
      row.appendChild(svg("text", { x: LABEL + length + 6, y: middle, "dominant-baseline": "middle",
                                    class: "value" }, shown));
      plot.appendChild(row);
      y += h;
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
