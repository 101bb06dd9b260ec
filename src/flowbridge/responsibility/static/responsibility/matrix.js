/* Inline editing of the responsibility matrix: each cell saves on change.
   Without JavaScript the same form posts every cell with one "Save" button. */
(function () {
  "use strict";
  var form = document.getElementById("matrix-form");
  if (!form || !window.fetch) { return; }
  form.classList.add("js");
  var status = document.getElementById("matrix-status");
  var base = document.getElementById("base-version");
  var SWAP = "swap";
  var swapLabel = (form.querySelector('option[value="swap"]') || {}).textContent || "";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = "status " + (kind || "");
  }

  function paint(cell, part) {
    var select = cell.querySelector("select");
    cell.dataset.part = part;
    select.value = part;
    select.className = "part-select part-" + (part || "none");
  }

  function ensureSwap(cell, wanted) {
    var select = cell.querySelector("select");
    var option = select.querySelector('option[value="swap"]');
    if (wanted && !option && swapLabel) {
      option = document.createElement("option");
      option.value = SWAP;
      option.textContent = swapLabel;
      select.appendChild(option);
    } else if (!wanted && option) {
      option.remove();
    }
  }

  function refresh() {
    return fetch(form.dataset.matrixUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.steps.forEach(function (step) {
          var row = form.querySelector('tr[data-step-row="' + step.code + '"]');
          if (!row) { return; }
          var responsible = Object.keys(step.parts).filter(function (d) { return step.parts[d] === "responsible"; })[0];
          row.querySelectorAll("td[data-department]").forEach(function (cell) {
            var department = cell.dataset.department;
            paint(cell, step.parts[department] || "");
            ensureSwap(cell, Boolean(responsible) && responsible !== department);
          });
        });
      });
  }

  function problemsText(data) {
    var lines = [data.detail || ""];
    (data.problems || []).forEach(function (p) {
      if (p.message && p.message !== data.detail) { lines.push(p.message); }
    });
    return lines.join(" ");
  }

  form.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.name || select.name.indexOf("cell:") !== 0) { return; }
    var cell = select.closest("td");
    var previous = cell.dataset.part || "";
    var swap = select.value === SWAP;
    var body = {
      step_code: cell.dataset.step,
      department: cell.dataset.department,
      part: swap ? "responsible" : (select.value || null),
      swap: swap,
      base_version: Number(base.value)
    };
    select.disabled = true;
    cell.classList.add("saving");
    fetch(form.dataset.cellsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          paint(cell, previous);
          say(form.dataset.msgFailed + " " + problemsText(data), "error");
          if (response.status === 409) {
            var reload = document.createElement("a");
            reload.href = window.location.pathname;
            reload.textContent = " " + form.dataset.msgReload;
            status.appendChild(reload);
          }
          return null;
        }
        base.value = data.version;
        document.getElementById("current-version").textContent = data.version;
        var link = document.getElementById("diff-link");
        if (data.created) {
          link.href = data.diff_url;
          link.hidden = false;
          say(form.dataset.msgSaved + " " + data.version + ".", "ok");
        } else {
          say(form.dataset.msgUnchanged, "");
        }
        return refresh();
      });
    }).catch(function () {
      paint(cell, previous);
      say(form.dataset.msgNetwork, "error");
    }).then(function () {
      select.disabled = false;
      cell.classList.remove("saving");
    });
  });
})();
