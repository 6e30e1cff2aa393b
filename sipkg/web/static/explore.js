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

  // fcose (a vendored cytoscape layout) spreads the graph by force and counts each node's label as
  // part of its size ("proof" quality is the one that honours that); a node with many neighbours gets
  // longer edges, so its ring of labels has room.
  function layout() {
    return { name: "fcose", quality: "proof", randomize: true, animate: false, fit: false,
             nodeDimensionsIncludeLabels: true, nodeSeparation: 80,
             idealEdgeLength: function (edge) {
               return 50 + 22 * Math.sqrt(Math.max(edge.source().degree(), edge.target().degree()));
             },
             nodeRepulsion: function () { return 20000; }, gravity: 0.25, gravityRange: 3.8, numIter: 5000,
             tile: true };
  }

  // A force layout leaves a few labels touching in a crowded neighbourhood: push each overlapping
  // pair apart along the axis where they overlap least, until no two label boxes meet.
  function separate(cy) {
    const GAP = 4, nodes = cy.nodes().toArray();
    for (let round = 0; round < 200; round++) {
      const boxes = nodes.map(function (n) { return n.boundingBox({ includeLabels: true }); });
      let moved = false;
      for (let i = 0; i < nodes.length; i++) {
        for (let j = i + 1; j < nodes.length; j++) {
          const a = boxes[i], b = boxes[j];
          const dx = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + GAP;
          const dy = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + GAP;
          if (dx <= 0 || dy <= 0) continue;
          const p = nodes[i].position(), q = nodes[j].position();
          const shift = dx < dy ? { x: (p.x <= q.x ? dx : -dx) / 2, y: 0 } : { x: 0, y: (p.y <= q.y ? dy : -dy) / 2 };
          nodes[i].shift({ x: -shift.x, y: -shift.y });
          nodes[j].shift(shift);
          [a, b].forEach(function (box, k) {
            const sign = k ? 1 : -1;
            box.x1 += sign * shift.x; box.x2 += sign * shift.x; box.y1 += sign * shift.y; box.y2 += sign * shift.y;
          });
          moved = true;
        }
      }
      if (!moved) return;
    }
  }

  function draw(data) {
    const cy = cytoscape({
      container: box,
      elements: elements(data),
      layout: { name: "null" },
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "background-color": function (n) { return colours[n.data("kind")] || "#888"; },
          "color": "#1d2430", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
          "text-wrap": "wrap", "text-max-width": 150, "width": 22, "height": 22 } },
        { selector: "node[centre = 1]", style: { "width": 36, "height": 36, "border-width": 3,
          "border-color": "#1d2430", "font-weight": "bold" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#e0b400" } },
        { selector: "edge", style: {
          "label": "data(label)", "font-size": 9, "color": "#5d6778", "curve-style": "bezier",
          "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#9aa3b2", "target-arrow-color": "#9aa3b2",
          "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8,
          "text-background-padding": 1, "min-zoomed-font-size": 7 } },
        { selector: "edge[inferred = 1]", style: { "line-style": "dashed", "line-color": inferredColour,
          "target-arrow-color": inferredColour } },
      ],
    });
    cy.layout(layout()).run();
    separate(cy);
    cy.fit(undefined, 24);
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
