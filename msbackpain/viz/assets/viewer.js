/* msbackpain graph viewer: turns the JSON in #msbp-data into an interactive vis-network picture.
 * Every piece of data reaches the page as text (textContent, <option>.value, vis `title`
 * strings, canvas text); nothing is ever parsed as HTML. */
(function () {
  "use strict";

  performance.mark("msbp-viewer-start");
  var data = JSON.parse(document.getElementById("msbp-data").textContent);
  var byId = {};
  var groupById = {};
  var familyById = {};
  var hiddenGroups = {};
  var showEdges = { asserted: true, inferred: true };
  var onlyNodes = null; // a set of node ids when showing one neighbourhood
  var highlighted = null;

  data.groups.forEach(function (g) { groupById[g.id] = g; });
  data.families.forEach(function (f) { familyById[f.id] = f; });

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function clip(text, size) {
    text = String(text || "");
    return text.length > size ? text.slice(0, size - 1) + "\u2026" : text;
  }

  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16 & 255) + "," + (n >> 8 & 255) + "," + (n & 255) + "," + a + ")";
  }

  // ---- vis data -----------------------------------------------------------------------

  function nodeStyle(n, dim) {
    var g = groupById[n.group];
    var colour = dim ? "#e4e4e4" : g.colour;
    return {
      color: {
        background: colour, border: dim ? "#d0d0d0" : "#333333",
        highlight: { background: colour, border: "#000000" },
        hover: { background: colour, border: "#000000" }
      },
      font: { color: dim ? "#bdbdbd" : "#111111" }
    };
  }

  function nodeTitle(n) {
    var g = groupById[n.group];
    var lines = [n.label, g.label + "  \u00b7  " + n.id];
    if (n.definition) lines.push("", clip(n.definition, 400));
    if (n.paragraphs.length) lines.push("", "Source paragraphs: " + n.paragraphs.join(", "));
    (n.conflicts || []).forEach(function (c) { lines.push("", "Conflict: " + c); });
    return lines.join("\n");
  }

  function edgeTitle(e) {
    var lines = [byId[e.from].label + "  \u2014" + e.label + "\u2192  " + byId[e.to].label];
    lines.push(e.inferred ? "inferred" + (e.rule ? " (" + e.rule + ")" : "") : "asserted");
    if (e.paragraphs.length) lines.push("Evidence: " + e.paragraphs.join(", "));
    if (e.modality) lines.push("The source hedges: " + e.modality);
    if (e.summary) lines.push(clip(e.summary, 400));
    (e.conflicts || []).forEach(function (c) { lines.push("Conflict: " + c); });
    return lines.join("\n");
  }

  data.nodes.forEach(function (n) { byId[n.id] = n; });

  var visNodes = data.nodes.map(function (n) {
    var g = groupById[n.group];
    var node = {
      id: n.id, label: n.label, x: n.x, y: n.y, shape: g.shape,
      size: g.id === "quality" ? 8 : (g.shape === "star" ? 13 : 10),
      title: nodeTitle(n)
    };
    var style = nodeStyle(n, false);
    node.color = style.color;
    node.font = style.font;
    return node;
  });

  function edgeColour(e, dim) {
    var f = familyById[e.family];
    if (dim) return { color: "rgba(200,200,200,0.35)", highlight: f.colour, hover: f.colour };
    return { color: alpha(f.colour, e.inferred ? 0.45 : 0.85), highlight: f.colour, hover: f.colour };
  }

  var visEdges = data.edges.map(function (e) {
    var f = familyById[e.family];
    return {
      id: e.id, from: e.from, to: e.to, title: edgeTitle(e),
      dashes: e.inferred ? [5, 4] : false,
      width: e.inferred ? 1 : 1.6,
      color: edgeColour(e, false),
      font: { color: f.colour },
      smooth: e.curve ? { enabled: true, type: e.curve > 0 ? "curvedCW" : "curvedCCW",
        roundness: Math.abs(e.curve) } : false
    };
  });

  // Node labels and arrowheads only at a zoom where they can be seen, for the same reason
  // as the edge labels below. Before the first fit, guess the scale from the layout's
  // extent and the container.
  var NODE_LABEL_SCALE = 0.3;
  var ARROW_SCALE = 0.2;
  var container = document.getElementById("msbp-network");
  var initialScale = (function () {
    var xs = data.nodes.map(function (n) { return n.x; });
    var ys = data.nodes.map(function (n) { return n.y; });
    if (!xs.length) return 1;
    var width = Math.max.apply(null, xs) - Math.min.apply(null, xs) + 300;
    var height = Math.max.apply(null, ys) - Math.min.apply(null, ys) + 100;
    return Math.min(container.clientWidth / width, container.clientHeight / height);
  })();
  var nodeLabels = initialScale >= NODE_LABEL_SCALE;
  var arrows = initialScale >= ARROW_SCALE;
  if (!nodeLabels) visNodes.forEach(function (n) { n.label = undefined; });

  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var edgeInfo = {};
  data.edges.forEach(function (e) { edgeInfo[e.id] = e; });

  function nodeVisible(item) {
    if (hiddenGroups[byId[item.id].group]) return false;
    return onlyNodes === null || onlyNodes.has(item.id);
  }

  function edgeVisible(item) {
    var e = edgeInfo[item.id];
    if (!showEdges[e.inferred ? "inferred" : "asserted"]) return false;
    return nodeVisible({ id: e.from }) && nodeVisible({ id: e.to });
  }

  var nodesView = new vis.DataView(nodes, { filter: nodeVisible });
  var edgesView = new vis.DataView(edges, { filter: edgeVisible });

  var options = {
    autoResize: true,
    physics: false,
    layout: { improvedLayout: false, hierarchical: false },
    interaction: {
      hover: true, tooltipDelay: 120, hideEdgesOnDrag: data.nodes.length > 1000,
      hideEdgesOnZoom: data.nodes.length > 1000, multiselect: false, navigationButtons: false
    },
    nodes: {
      borderWidth: 1,
      font: { size: 16, face: "system-ui, DejaVu Sans, sans-serif", strokeWidth: 4,
        strokeColor: "#ffffff" },
      widthConstraint: { maximum: 300 }
    },
    edges: {
      arrows: { to: { enabled: arrows, scaleFactor: 0.55 } },
      font: { size: 10, align: "middle", strokeWidth: 3, strokeColor: "#ffffff" },
      selectionWidth: 1.5
    }
  };

  performance.mark("msbp-data-ready");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
  performance.mark("msbp-network-built");

  // Column headings, drawn on the canvas as text.
  network.on("beforeDrawing", function (ctx) {
    var top = Infinity;
    nodesView.forEach(function (n) { if (n.y < top) top = n.y; });
    if (top === Infinity) return;
    ctx.save();
    ctx.font = "bold 26px system-ui, DejaVu Sans, sans-serif";
    ctx.fillStyle = "#444444";
    ctx.textAlign = "center";
    data.roles.forEach(function (r) { ctx.fillText(r.title, r.x, top - 40); });
    ctx.restore();
  });

  // Edge labels only when zoomed in far enough to read them, arrowheads and node labels only
  // when they can be seen. vis measures every label and fills every arrowhead on every
  // redraw even when they are too small to see, which costs seconds per frame at 10,000
  // edges, so they are taken off rather than just left undrawn.
  var EDGE_LABEL_SCALE = 0.7;
  var edgeLabels = false;
  function syncDetail() {
    var scale = network.getScale();
    if ((scale >= ARROW_SCALE) !== arrows) {
      arrows = scale >= ARROW_SCALE;
      network.setOptions({ edges: { arrows: { to: { enabled: arrows } } } });
    }
    if ((scale >= NODE_LABEL_SCALE) !== nodeLabels) {
      nodeLabels = scale >= NODE_LABEL_SCALE;
      nodes.update(data.nodes.map(function (n) {
        return { id: n.id, label: nodeLabels ? n.label : undefined };
      }));
    }
    var wanted = scale >= EDGE_LABEL_SCALE;
    if (wanted === edgeLabels) return;
    edgeLabels = wanted;
    edges.update(data.edges.map(function (e) {
      return { id: e.id, label: wanted ? e.label : undefined };
    }));
  }
  network.on("zoom", syncDetail);

  // vis fits the nodes only: step back a little so the column headings show too.
  function fitAll() {
    network.fit({ animation: false });
    network.moveTo({ scale: network.getScale() * 0.92 });
    syncDetail();
  }

  var firstDraw = true;
  network.on("afterDrawing", function () {
    if (firstDraw) {
      firstDraw = false;
      if (!data.focus) fitAll();
      window.msbpFirstDrawMs = performance.now();
      document.body.setAttribute("data-msbp-ready", "true");
    }
  });

  // ---- legend and filters ---------------------------------------------------------------

  var SHAPES = {
    triangle: [[0, -9], [8, 6], [-8, 6]],
    triangleDown: [[0, 9], [8, -6], [-8, -6]],
    diamond: [[0, -9], [9, 0], [0, 9], [-9, 0]],
    square: [[-7, -7], [7, -7], [7, 7], [-7, 7]],
    hexagon: [[0, -9], [7.8, -4.5], [7.8, 4.5], [0, 9], [-7.8, 4.5], [-7.8, -4.5]],
    star: [[0, -9], [2.6, -3], [9, -3], [4, 1.2], [5.8, 8], [0, 4], [-5.8, 8], [-4, 1.2],
      [-9, -3], [-2.6, -3]]
  };

  function canvas(width, height) {
    var c = document.createElement("canvas");
    var ratio = window.devicePixelRatio || 1;
    c.width = width * ratio;
    c.height = height * ratio;
    c.style.width = width + "px";
    c.style.height = height + "px";
    c.className = "swatch";
    c.setAttribute("aria-hidden", "true");
    var ctx = c.getContext("2d");
    ctx.scale(ratio, ratio);
    return [c, ctx];
  }

  function swatch(shape, colour, size) {
    var made = canvas(size, size);
    var ctx = made[1];
    ctx.translate(size / 2, size / 2);
    ctx.scale(size / 20, size / 20);
    ctx.beginPath();
    if (SHAPES[shape]) {
      SHAPES[shape].forEach(function (p, i) { if (i) ctx.lineTo(p[0], p[1]); else ctx.moveTo(p[0], p[1]); });
      ctx.closePath();
    } else {
      ctx.arc(0, 0, 7, 0, 2 * Math.PI);
    }
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = "#333333";
    ctx.stroke();
    return made[0];
  }

  function line(colour, dashed) {
    var made = canvas(28, 10);
    var ctx = made[1];
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    if (dashed) ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(1, 5);
    ctx.lineTo(27, 5);
    ctx.stroke();
    return made[0];
  }

  function refresh() {
    nodesView.refresh();
    edgesView.refresh();
  }

  function checkRow(list, name, label, graphic, count, checked, onChange) {
    var li = el("li");
    var lab = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.name = name;
    box.addEventListener("change", function () { onChange(box.checked); });
    lab.appendChild(box);
    lab.appendChild(graphic);
    lab.appendChild(el("span", label));
    if (count !== null) lab.appendChild(el("span", count, "count"));
    li.appendChild(lab);
    list.appendChild(li);
  }

  var groupsList = document.getElementById("msbp-groups");
  data.groups.forEach(function (g) {
    checkRow(groupsList, "group-" + g.id, g.label, swatch(g.shape, g.colour, 16), g.count, true,
      function (on) { hiddenGroups[g.id] = !on; refresh(); });
  });
  var kindsList = document.getElementById("msbp-edge-kinds");
  var counts = { asserted: 0, inferred: 0 };
  data.edges.forEach(function (e) { counts[e.inferred ? "inferred" : "asserted"] += 1; });
  [["asserted", "asserted (solid)", false], ["inferred", "inferred (dashed)", true]].forEach(
    function (k) {
      checkRow(kindsList, "edges-" + k[0], k[1], line("#333333", k[2]), counts[k[0]], true,
        function (on) { showEdges[k[0]] = on; refresh(); });
    });
  var familiesList = document.getElementById("msbp-families");
  data.families.forEach(function (f) {
    var li = el("li");
    li.appendChild(line(f.colour, false));
    li.appendChild(el("span", f.label));
    familiesList.appendChild(li);
  });

  // ---- details panel --------------------------------------------------------------------

  var details = document.getElementById("msbp-details");

  function entityLink(id) {
    var a = el("a", byId[id].label, "entity");
    a.href = "#";
    a.addEventListener("click", function (event) { event.preventDefault(); focusNode(id); });
    return a;
  }

  function evidence(e) {
    var p = el("div", null, "evidence");
    if (e.paragraphs.length) {
      p.appendChild(el("span", e.paragraphs.join(", "), "para"));
      p.appendChild(document.createTextNode(" \u00b7 "));
    }
    p.appendChild(document.createTextNode(e.summary || "no summary"));
    return p;
  }

  function relationItem(e, from) {
    var li = el("li");
    var head = el("div");
    if (from) {
      head.appendChild(el("span", e.label + " "));
      head.appendChild(entityLink(e.to));
    } else {
      head.appendChild(entityLink(e.from));
      head.appendChild(el("span", " " + e.label));
    }
    if (e.inferred) head.appendChild(el("span", "  inferred", "inferred"));
    li.appendChild(head);
    li.appendChild(evidence(e));
    return li;
  }

  function facts(pairs) {
    var dl = el("dl");
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "") return;
      dl.appendChild(el("dt", p[0]));
      dl.appendChild(el("dd", p[1]));
    });
    return dl;
  }

  function showNode(id) {
    var n = byId[id];
    clear(details);
    details.appendChild(el("h2", n.label));
    details.appendChild(facts([
      ["kind", groupById[n.group].label + (n.category ? " (" + n.category + ")" : "")],
      ["id", n.id],
      ["synonyms", n.synonyms.join("; ")],
      ["xrefs", n.xrefs.join(", ")],
      ["paragraphs", n.paragraphs.join(", ")]
    ]));
    if (n.definition) details.appendChild(el("p", n.definition, "definition"));
    var actions = el("div", null, "actions");
    var depth = el("select");
    depth.setAttribute("aria-label", "depth");
    [1, 2, 3].forEach(function (d) {
      var o = el("option", d === 1 ? "1 step" : d + " steps");
      o.value = String(d);
      depth.appendChild(o);
    });
    var only = el("button", "Show only this neighbourhood");
    only.type = "button";
    only.addEventListener("click", function () { isolate(id, Number(depth.value)); });
    actions.appendChild(only);
    actions.appendChild(depth);
    details.appendChild(actions);
    var out = data.edges.filter(function (e) { return e.from === id && edgeVisible(e); });
    var inc = data.edges.filter(function (e) { return e.to === id && edgeVisible(e); });
    if (out.length) {
      details.appendChild(el("h3", "Relations from here (" + out.length + ")"));
      var ul = el("ul", null, "relations");
      out.forEach(function (e) { ul.appendChild(relationItem(e, true)); });
      details.appendChild(ul);
    }
    if (inc.length) {
      details.appendChild(el("h3", "Relations to here (" + inc.length + ")"));
      var ul2 = el("ul", null, "relations");
      inc.forEach(function (e) { ul2.appendChild(relationItem(e, false)); });
      details.appendChild(ul2);
    }
  }

  function showEdge(id) {
    var e = edgeInfo[id];
    clear(details);
    var h = el("h2");
    h.appendChild(entityLink(e.from));
    h.appendChild(el("span", " " + e.label + " "));
    h.appendChild(entityLink(e.to));
    details.appendChild(h);
    details.appendChild(facts([
      ["relation", e.predicate],
      ["status", e.inferred ? "inferred" : "asserted by the source"],
      ["rule", e.rule],
      ["paragraphs", e.paragraphs.join(", ")]
    ]));
    details.appendChild(evidence(e));
  }

  // ---- focus, neighbourhoods, search -----------------------------------------------------

  function neighbours(id, depth) {
    var seen = new Set([id]);
    var frontier = [id];
    for (var i = 0; i < depth; i++) {
      var next = [];
      frontier.forEach(function (current) {
        network.getConnectedNodes(current).forEach(function (m) {
          if (!seen.has(m)) { seen.add(m); next.push(m); }
        });
      });
      frontier = next;
    }
    return seen;
  }

  function highlight(id) {
    var keep = id === null ? null : neighbours(id, 1);
    if (highlighted === null && keep === null) return;
    highlighted = id;
    nodes.update(data.nodes.map(function (n) {
      var style = nodeStyle(n, keep !== null && !keep.has(n.id));
      return { id: n.id, color: style.color, font: style.font };
    }));
    edges.update(data.edges.map(function (e) {
      var dim = id !== null && e.from !== id && e.to !== id;
      return { id: e.id, color: edgeColour(e, dim), font: { color: dim ? "#cccccc" : familyById[e.family].colour } };
    }));
    return keep;
  }

  function focusNode(id) {
    if (!byId[id]) return false;
    if (!nodeVisible({ id: id })) {
      hiddenGroups[byId[id].group] = false;
      var box = document.querySelector("input[name='group-" + byId[id].group + "']");
      if (box) box.checked = true;
      if (onlyNodes !== null && !onlyNodes.has(id)) onlyNodes = null;
      refresh();
    }
    var keep = highlight(id);
    network.selectNodes([id]);
    network.fit({ nodes: Array.from(keep || [id]), animation: false, maxZoomLevel: 1.3 });
    syncDetail();
    showNode(id);
    return true;
  }

  function isolate(id, depth) {
    onlyNodes = neighbours(id, depth);
    document.getElementById("msbp-show-all").hidden = false;
    refresh();
    focusNode(id);
  }

  function showAll() {
    onlyNodes = null;
    document.getElementById("msbp-show-all").hidden = true;
    highlight(null);
    refresh();
    fitAll();
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      focusNode(params.nodes[0]);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
    } else {
      highlight(null);
    }
  });

  var labels = document.getElementById("msbp-labels");
  var sorted = data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); });
  sorted.forEach(function (n) {
    var o = document.createElement("option");
    o.value = n.label;
    labels.appendChild(o);
  });

  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) return null;
    var best = null;
    var rank = 4;
    data.nodes.forEach(function (n) {
      var label = n.label.toLowerCase();
      var r = (n.id.toLowerCase() === q || label === q) ? 0 : label.indexOf(q) === 0 ? 1
        : label.indexOf(q) > 0 ? 2
        : (n.synonyms.join("\n").toLowerCase().indexOf(q) >= 0 ? 3 : 4);
      if (r < rank || (r === rank && best && n.label.length < best.label.length)) {
        rank = r; best = n;
      }
    });
    return best;
  }

  function search(text) {
    var status = document.getElementById("msbp-search-status");
    var hit = find(text);
    if (!hit) {
      status.textContent = text.trim() ? "no match" : "";
      return null;
    }
    status.textContent = "";
    focusNode(hit.id);
    return hit.id;
  }

  var input = document.getElementById("msbp-search-input");
  document.getElementById("msbp-search").addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value);
  });
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase();
    var exact = data.nodes.some(function (n) { return n.label.toLowerCase() === q; });
    if (exact) search(input.value);
  });
  document.getElementById("msbp-fit").addEventListener("click", fitAll);
  document.getElementById("msbp-show-all").addEventListener("click", showAll);

  if (data.focus && byId[data.focus]) {
    network.once("afterDrawing", function () { focusNode(data.focus); });
  }

  // For scripts and tests: the network and the filters, without reaching into the DOM.
  window.msbpViewer = {
    network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    search: search, focusNode: focusNode, isolate: isolate, showAll: showAll,
    visibleNodeIds: function () { return nodesView.getIds(); },
    visibleEdgeIds: function () { return edgesView.getIds(); }
  };
})();
