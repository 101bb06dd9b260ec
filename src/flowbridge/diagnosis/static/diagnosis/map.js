/* Process map: zoom and pan (wheel, drag, buttons), a frequency slider that hides rare
   activities and arrows at once, and a click on an activity or arrow that lists its cases.
   Without JS the form and the links beside the map do the same through the server. */
(function () {
  "use strict";
  var box = document.getElementById("map-svg");
  if (!box) return;
  var svg = box.querySelector("svg");
  var form = document.getElementById("map-filters");
  var slider = document.getElementById("min-frequency");
  var output = document.getElementById("min-frequency-value");
  var note = document.getElementById("hidden-note");

  function numbers(text) {
    return (text || "").trim().split(/[\s,]+/).map(Number);
  }

  /* --- zoom and pan: the SVG's viewBox is the camera --- */
  if (svg) {
    var home = numbers(svg.getAttribute("viewBox"));
    if (home.length !== 4 || home.some(isNaN)) {
      var bb = svg.getBBox();
      home = [bb.x, bb.y, Math.max(bb.width, 1), Math.max(bb.height, 1)];
    }
    var view = home.slice();
    var show = function () { svg.setAttribute("viewBox", view.join(" ")); };
    var zoom = function (factor, fx, fy) {
      /* fx, fy: the fixed point as a fraction of the visible box (0.5 = centre) */
      var w = Math.min(Math.max(view[2] * factor, home[2] / 20), home[2] * 4);
      var h = view[3] * (w / view[2]);
      view = [view[0] + (view[2] - w) * fx, view[1] + (view[3] - h) * fy, w, h];
      show();
    };
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    show();
    document.getElementById("map-zoom").hidden = false;
    document.getElementById("map-zoom").addEventListener("click", function (event) {
      var which = event.target.closest("[data-zoom]");
      if (!which) return;
      var kind = which.getAttribute("data-zoom");
      if (kind === "reset") { view = home.slice(); show(); }
      else zoom(kind === "in" ? 0.8 : 1.25, 0.5, 0.5);
    });
    box.addEventListener("wheel", function (event) {
      event.preventDefault();
      var rect = svg.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 0.9 : 1.1,
        (event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
    }, { passive: false });
    var drag = null;
    var moved = false;
    svg.addEventListener("pointerdown", function (event) {
      drag = { x: event.clientX, y: event.clientY, view: view.slice() };
      moved = false;
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
      if (!moved) return;
      var rect = svg.getBoundingClientRect();
      var scale = Math.max(drag.view[2] / rect.width, drag.view[3] / rect.height);
      view = [drag.view[0] - dx * scale, drag.view[1] - dy * scale, drag.view[2], drag.view[3]];
      show();
    });
    window.addEventListener("pointerup", function () { drag = null; });

    /* --- click: the cases of an activity or an arrow, in the side list --- */
    svg.addEventListener("click", function (event) {
      if (moved) { moved = false; return; }
      var node = event.target.closest(".fb-node");
      var edge = event.target.closest(".fb-edge");
      var query;
      if (node) query = "activity=" + encodeURIComponent(node.getAttribute("data-activity"));
      else if (edge) query = "source=" + encodeURIComponent(edge.getAttribute("data-source")) +
        "&target=" + encodeURIComponent(edge.getAttribute("data-target"));
      else return;
      svg.querySelectorAll(".fb-selected").forEach(function (el) { el.classList.remove("fb-selected"); });
      (node || edge).classList.add("fb-selected");
      loadCases("?" + query);
    });
  }

  function loadCases(href) {
    var url = new URL(href, window.location.href);
    url.searchParams.set("partial", "cases");
    fetch(url.toString(), { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var old = document.getElementById("map-cases");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#map-cases");
        if (old && fresh) old.replaceWith(fresh);
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("#map-cases [data-cases-page], #map-activities a, #map-edges a");
    if (!link) return;
    event.preventDefault();
    loadCases(link.getAttribute("href"));
  });

  /* --- frequency slider: hide at once; "lay out again" asks the server --- */
  function filter() {
    var min = Number(slider.value);
    var hidden = {};
    var any = false;
    if (output) output.textContent = slider.value;
    if (!svg) return;
    svg.querySelectorAll(".fb-node").forEach(function (el) {
      var off = Number(el.getAttribute("data-frequency")) < min;
      el.classList.toggle("fb-hidden", off);
      if (off) { hidden[el.getAttribute("data-activity")] = true; any = true; }
    });
    svg.querySelectorAll(".fb-edge").forEach(function (el) {
      var off = Number(el.getAttribute("data-frequency")) < min ||
        hidden[el.getAttribute("data-source")] || hidden[el.getAttribute("data-target")];
      el.classList.toggle("fb-hidden", Boolean(off));
      if (off) any = true;
    });
    svg.querySelectorAll(".fb-terminal").forEach(function (el) {
      el.classList.toggle("fb-hidden", Boolean(hidden[el.getAttribute("data-activity")]));
    });
    if (note) note.hidden = !any;
  }
  if (slider) {
    slider.addEventListener("input", filter);
  }
  if (form) {
    form.querySelectorAll("select, input[type=radio]").forEach(function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
  }
})();
