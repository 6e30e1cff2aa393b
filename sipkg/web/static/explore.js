// The relationship explorer: draws /explore.json with cytoscape.js. Click a node for its
// details and links; double-click to recentre. Data come only from the JSON twin; every
// string reaches the page through textContent, never as HTML.
(function () {
  "use strict";
  const box = document.getElementById("graph");
  if (!box || typeof cytoscape !== "function") return;
  const info = document.getElementById("node-info");

  // Colours come from the legend's swatches, so the stylesheet is their one home.
  const colours = {};
  document.querySelectorAll(".legend .swatch[data-kind]").forEach(function (s) {
    colours[s.dataset.kind] = getComputedStyle(s).backgroundColor;
  });
  const inferredColour = getComputedStyle(document.querySelector(".legend .swatch-line.inferred") || box)
    .borderTopColor || "#7a4fb0";

  function elements(data) {
    const nodes = data.nodes.map(function (n) {
      return { data: { id: n.id, label: n.label.text, kind: n.kind, url: n.url, explore: n.explore,
                       kindLabel: n.class ? n.class.text : "", centre: n.id === data.centre ? 1 : 0 } };
    });
    const edges = data.edges.map(function (e) {
      return { data: { id: e.id, source: e.source, target: e.target, label: e.label.text,
                       inferred: e.inferred ? 1 : 0 } };
    });
    return nodes.concat(edges);
  }

  function show(node) {
    info.replaceChildren();
    const title = document.createElement("h3");
    title.textContent = node.data("label");
    const kind = document.createElement("p");
    kind.className = "muted";
    kind.textContent = node.data("kindLabel");
    const links = document.createElement("p");
    const open = document.createElement("a");
    open.href = node.data("url");
    open.textContent = box.dataset.openLabel;
    const recentre = document.createElement("a");
    recentre.href = node.data("explore");
    recentre.textContent = box.dataset.recentreLabel;
    recentre.className = "recentre";
    links.append(open, " · ", recentre);
    info.append(title, kind, links);
  }

  function draw(data) {
    const cy = cytoscape({
      container: box,
      elements: elements(data),
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "background-color": function (n) { return colours[n.data("kind")] || "#888"; },
          "color": "#1d2430", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
          "text-wrap": "ellipsis", "text-max-width": 140, "width": 22, "height": 22 } },
        { selector: "node[centre = 1]", style: { "width": 36, "height": 36, "border-width": 3,
          "border-color": "#1d2430", "font-weight": "bold" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#e0b400" } },
        { selector: "edge", style: {
          "label": "data(label)", "font-size": 9, "color": "#5d6778", "curve-style": "bezier",
          "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#9aa3b2", "target-arrow-color": "#9aa3b2",
          "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8,
          "text-background-padding": 1 } },
        { selector: "edge[inferred = 1]", style: { "line-style": "dashed", "line-color": inferredColour,
          "target-arrow-color": inferredColour } },
      ],
      layout: { name: "cose", animate: false, randomize: false, padding: 24, componentSpacing: 60,
                nodeRepulsion: function () { return 60000; }, idealEdgeLength: function () { return 110; },
                nodeOverlap: 20, gravity: 0.4, numIter: 2000 },
    });
    cy.on("tap", "node", function (event) { show(event.target); });
    cy.on("dbltap", "node", function (event) { window.location.href = event.target.data("explore"); });
    box.cy = cy;  // for tests and the console
    box.dataset.ready = "true";
  }

  fetch(box.dataset.src, { headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    })
    .then(draw)
    .catch(function (error) {
      box.textContent = String(error);
      box.classList.add("error");
    });
})();
