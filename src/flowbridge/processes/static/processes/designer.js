// The approval-chain designer: edits the chain JSON in place and asks the designer API
// to check it, draw it and deploy it. The rules live on the server; this file only edits.
(function () {
  "use strict";
  var root = document.getElementById("designer");
  if (!root) { return; }
  var chain = JSON.parse(document.getElementById("dz-initial").textContent);
  var options = JSON.parse(document.getElementById("dz-options").textContent);
  var W = options.words;
  var canDeploy = root.dataset.canDeploy === "1";
  var selected = null;
  var departments = [];
  var problems = [];
  var timer = null;
  var PERSON_KINDS = ["approval", "task", "cc"];
  var FIELD_TYPES = ["string", "textarea", "long", "number", "money", "date", "boolean", "enum",
    "multichoice", "person", "department", "attachment"];
  var CHOICE_TYPES = ["enum", "choice", "multichoice"];
  var APPROVER_TYPES = ["person", "role", "requester", "requester_head", "head_up", "liaison",
    "department", "responsible", "field"];
  var OPS = [">", ">=", "<", "<=", "==", "!=", "in"];

  // --- small DOM helpers ----------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key.slice(0, 2) === "on") { node.addEventListener(key.slice(2), attrs[key]); }
      else if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) {
        node.setAttribute(key, attrs[key] === true ? "" : attrs[key]);
      }
    });
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return node;
  }
  function button(text, onclick, attrs) {
    var b = el("button", Object.assign({ type: "button", text: text }, attrs || {}));
    b.addEventListener("click", function (event) { event.stopPropagation(); onclick(event); });
    return b;
  }
  function labelled(text, control) { return el("label", {}, [text, control]); }
  function input(value, onchange, attrs) {
    var i = el("input", Object.assign({ type: "text" }, attrs || {}));
    i.value = value === undefined || value === null ? "" : value;
    i.addEventListener("input", function () { onchange(i.value); });
    return i;
  }
  function select(value, choices, onchange, attrs) {
    var s = el("select", attrs || {});
    choices.forEach(function (c) {
      var o = el("option", { value: c[0], text: c[1] });
      if (String(c[0]) === String(value)) { o.selected = true; }
      s.appendChild(o);
    });
    s.addEventListener("change", function () { onchange(s.value); });
    return s;
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var hidden = root.querySelector("input[name=csrfmiddlewaretoken]");
    return hidden ? hidden.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    });
  }

  // --- the model ------------------------------------------------------------------------
  function newNode(kind) {
    var node = { type: kind, name: W[kind] };
    if (PERSON_KINDS.indexOf(kind) !== -1) { node.approvers = []; }
    if (kind === "approval" || kind === "task") { node.mode = "or-sign"; }
    if (kind === "approval") { node.on_reject = "end"; }
    if (kind === "auto") { node.set = {}; }
    if (kind === "condition") {
      node.name = "";
      node.branches = [{ name: W.branch + " 1", condition: "", nodes: [] }];
      node.default = { name: "", nodes: [] };
    }
    if (kind === "parallel") {
      node.name = "";
      node.branches = [{ name: W.branch + " 1", nodes: [] }, { name: W.branch + " 2", nodes: [] }];
    }
    return node;
  }
  function fieldIds(types) {
    return chain.fields.filter(function (f) { return !types || types.indexOf(f.type) !== -1; })
      .map(function (f) { return [f.id, f.id + (f.label ? " · " + f.label : "")]; });
  }
  function approverText(a) {
    if (a.type === "person") { return a.employee_no || W.person; }
    if (a.type === "role") {
      var role = options.roles.filter(function (r) { return r.value === a.role; })[0];
      return role ? role.label : W.role;
    }
    if (a.type === "head_up") { return W.head_up.replace("N", a.levels || 1); }
    if (a.type === "liaison" || a.type === "department") { return W[a.type] + ": " + (a.department || "?"); }
    if (a.type === "responsible") { return W.responsible + ": " + (a.process || "?") + "/" + (a.step || "?"); }
    if (a.type === "field") { return W.field_rule + ": " + (a.field || "?"); }
    return W[a.type] || a.type;
  }
  function conditionText(c) {
    if (!c) { return ""; }
    if (typeof c === "string") { return c; }
    return (c.field || "?") + " " + (c.op || "?") + " " + JSON.stringify(c.value === undefined ? "" : c.value);
  }

  // --- the chain as cards ---------------------------------------------------------------
  function changed(redrawPanel) {
    renderChain();
    if (redrawPanel) { renderPanel(); }
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  }
  function inserter(list, index, path) {
    var box = el("div", { class: "dz-insert", "data-insert": path + "@" + index });
    var menu = null;
    box.appendChild(button("+", function () {
      if (menu) { menu.remove(); menu = null; return; }
      menu = el("div", { class: "dz-menu" });
      ["approval", "task", "cc", "auto", "condition", "parallel"].forEach(function (kind) {
        menu.appendChild(button(W[kind], function () {
          var node = newNode(kind);
          list.splice(index, 0, node);
          selected = node;
          changed(true);
        }, { "data-add": kind, class: "secondary" }));
      });
      box.appendChild(menu);
    }, { title: W.add, "aria-label": W.add, class: "dz-add" }));
    return box;
  }
  function renderList(list, parent, path) {
    parent.appendChild(inserter(list, 0, path));
    list.forEach(function (node, i) {
      parent.appendChild(card(node, list, i, path + "[" + i + "]"));
      parent.appendChild(inserter(list, i + 1, path));
    });
  }
  function summary(node) {
    if (PERSON_KINDS.indexOf(node.type) !== -1) {
      var who = (node.approvers || []).map(approverText).join(", ") || W.nobody;
      var how = node.type !== "cc" && (node.approvers || []).length > 1 ? " · " + W[node.mode || "or-sign"] : "";
      return who + how + (node.due ? " · " + node.due : "");
    }
    if (node.type === "auto") {
      return Object.keys(node.set || {}).map(function (k) { return k + " = " + node.set[k]; }).join("; ");
    }
    return "";
  }
  function card(node, list, index, path) {
    var head = el("div", { class: "dz-head" }, [
      el("span", { class: "badge", text: W[node.type] }),
      el("span", { class: "dz-title", text: node.name || "" }),
      el("span", { class: "dz-tools" }, [
        button("↑", function () { move(list, index, -1); }, { title: W.up, "aria-label": W.up, disabled: index === 0 }),
        button("↓", function () { move(list, index, 1); }, { title: W.down, "aria-label": W.down, disabled: index === list.length - 1 }),
        button("✕", function () {
          list.splice(index, 1);
          if (selected === node) { selected = null; }
          changed(true);
        }, { title: W.remove, "aria-label": W.remove, "data-remove": "" })
      ])
    ]);
    var box = el("div", { class: "dz-card", "data-kind": node.type, "data-path": path, "data-name": node.name || "" }, [head]);
    if (selected === node) { box.classList.add("dz-selected"); }
    var text = summary(node);
    if (text) { box.appendChild(el("div", { class: "dz-summary", text: text })); }
    box.addEventListener("click", function (event) {
      if (event.target.closest(".dz-card") !== box) { return; }
      selected = node;
      renderChain();
      renderPanel();
    });
    if (node.type === "condition" || node.type === "parallel") {
      head.insertBefore(button(W.edit, function () { selected = node; renderChain(); renderPanel(); },
        { class: "dz-small", "data-edit": "" }), head.lastChild);
      var columns = el("div", { class: "dz-branches" });
      node.branches.forEach(function (branch, b) {
        columns.appendChild(branchColumn(node, branch, path + ".branches[" + b + "]", function () {
          node.branches.splice(b, 1);
          changed(true);
        }));
      });
      if (node.type === "condition") {
        columns.appendChild(branchColumn(node, node.default, path + ".default", null));
      }
      box.appendChild(columns);
      box.appendChild(button(W.add_branch, function () {
        var fresh = { name: W.branch + " " + (node.branches.length + 1), nodes: [] };
        if (node.type === "condition") { fresh.condition = ""; }
        node.branches.push(fresh);
        selected = node;
        changed(true);
      }, { class: "dz-small", "data-add-branch": "" }));
    }
    return box;
  }
  function branchColumn(node, branch, path, onRemove) {
    var title = branch.name || (branch === node.default ? W.default_branch : "");
    var condition = branch === node.default ? (branch.name ? W.default_branch : "") : conditionText(branch.condition);
    var head = el("div", { class: "dz-branch-head" }, [
      el("strong", { text: title }),
      node.type === "condition" ? el("span", { class: "dz-summary", text: condition }) : null,
      onRemove ? button("✕", onRemove, { title: W.remove, "aria-label": W.remove, class: "dz-small" }) : null
    ]);
    var column = el("div", { class: "dz-branch", "data-path": path }, [head]);
    renderList(branch.nodes, column, path + ".nodes");
    if (!branch.nodes.length) { column.appendChild(el("div", { class: "dz-summary", text: W.empty_branch })); }
    return column;
  }
  function move(list, index, by) {
    var target = index + by;
    if (target < 0 || target >= list.length) { return; }
    var node = list.splice(index, 1)[0];
    list.splice(target, 0, node);
    changed(false);
  }
  function renderChain() {
    var box = document.getElementById("dz-chain");
    box.textContent = "";
    box.appendChild(el("div", { class: "dz-card dz-terminal", text: W.start }));
    renderList(chain.nodes, box, "nodes");
    box.appendChild(el("div", { class: "dz-card dz-terminal", text: W.end }));
    markProblems();
  }
  function markProblems() {
    root.querySelectorAll(".dz-card[data-path]").forEach(function (cardEl) {
      var path = cardEl.dataset.path;
      var mine = problems.some(function (p) {
        if (p.where !== path && p.where.indexOf(path + ".") !== 0) { return false; }
        var rest = p.where.slice(path.length);
        return rest.indexOf(".nodes[") === -1;
      });
      cardEl.classList.toggle("dz-problem", mine);
    });
  }

  // --- the panel of the selected node ---------------------------------------------------
  function renderPanel() {
    var panel = document.getElementById("dz-panel");
    panel.textContent = "";
    if (!selected) { panel.appendChild(el("p", { class: "muted", text: W.nothing_selected })); return; }
    var node = selected;
    panel.appendChild(el("h2", {}, [el("span", { class: "badge", text: W[node.type] }), " ", node.name || ""]));
    panel.appendChild(labelled(W.name, input(node.name, function (v) { node.name = v; changed(false); }, { "data-prop": "name" })));
    panel.appendChild(labelled(W.name_en, input(node.name_en, function (v) { node.name_en = v; changed(false); }, { "data-prop": "name_en" })));
    if (PERSON_KINDS.indexOf(node.type) !== -1) { approversEditor(panel, node); }
    if (node.type === "approval" || node.type === "task") {
      panel.appendChild(labelled(W.mode, select(node.mode || "or-sign",
        [["or-sign", W["or-sign"]], ["countersign", W.countersign], ["sequential", W.sequential]],
        function (v) { node.mode = v; if (v === "countersign" && !node.countersign_rule) { node.countersign_rule = "all"; } changed(true); },
        { "data-prop": "mode" })));
      if (node.mode === "countersign") {
        panel.appendChild(labelled(W.countersign_rule, select(node.countersign_rule || "all",
          [["all", W.rule_all], ["majority", W.rule_majority]],
          function (v) { node.countersign_rule = v; changed(false); }, { "data-prop": "countersign_rule" })));
      }
      if (node.type === "approval") {
        panel.appendChild(labelled(W.on_reject, select(node.on_reject || "end",
          [["end", W.reject_end], ["route", W.reject_route]],
          function (v) { node.on_reject = v; changed(false); }, { "data-prop": "on_reject" })));
      }
      panel.appendChild(labelled(W.due, input(node.due, function (v) { node.due = v; changed(false); }, { "data-prop": "due", placeholder: "2d" })));
    }
    if (node.type === "auto") { setEditor(panel, node); }
    if (node.type === "condition" || node.type === "parallel") { branchesEditor(panel, node); }
  }
  function approversEditor(panel, node) {
    panel.appendChild(el("h3", { text: W.approvers }));
    node.approvers.forEach(function (a, i) {
      var row = el("div", { class: "dz-row", "data-approver": i });
      row.appendChild(labelled(W.type, select(a.type, APPROVER_TYPES.map(function (t) {
        return [t, t === "field" ? W.field_rule : W[t]];
      }), function (v) { node.approvers[i] = { type: v }; if (v === "head_up") { node.approvers[i].levels = 1; } changed(true); },
      { "data-prop": "type" })));
      approverValue(row, a);
      row.appendChild(button("✕", function () { node.approvers.splice(i, 1); changed(true); },
        { title: W.remove, "aria-label": W.remove, class: "dz-small" }));
      panel.appendChild(row);
    });
    panel.appendChild(button(W.add_approver, function () {
      node.approvers.push({ type: "requester_head" });
      changed(true);
    }, { class: "secondary", "data-add-approver": "" }));
  }
  function approverValue(row, a) {
    var set = function (key) { return function (v) { a[key] = v; changed(false); }; };
    if (a.type === "person") {
      var listId = "dz-people-" + Math.random().toString(36).slice(2);
      var list = el("datalist", { id: listId });
      var box = input(a.employee_no, set("employee_no"), { list: listId, placeholder: W.search_people, "data-prop": "employee_no" });
      box.addEventListener("input", function () { searchPeople(box.value, list); });
      row.appendChild(labelled(W.person, box));
      row.appendChild(list);
    } else if (a.type === "role") {
      row.appendChild(labelled(W.role, select(a.role || "", [["", W.choose]].concat(options.roles.map(function (r) {
        return [r.value, r.label];
      })), set("role"), { "data-prop": "role" })));
    } else if (a.type === "head_up") {
      row.appendChild(labelled(W.levels, input(a.levels || 1, function (v) { a.levels = parseInt(v, 10) || 1; changed(false); },
        { type: "number", min: 1, max: 10, "data-prop": "levels" })));
    } else if (a.type === "liaison" || a.type === "department") {
      var depSelect = select(a.department || "", [["", W.choose]].concat(departments.map(function (d) {
        return [d.code, d.label];
      })), set("department"), { "data-prop": "department" });
      row.appendChild(labelled(W.department, depSelect));
    } else if (a.type === "responsible") {
      var current = a.process && a.step ? a.process + "/" + a.step : "";
      row.appendChild(labelled(W.responsible, select(current, [["", W.choose]].concat(options.steps.map(function (s) {
        return [s.process + "/" + s.step, s.label];
      })), function (v) { var parts = v.split("/"); a.process = parts[0] || ""; a.step = parts[1] || ""; changed(false); },
      { "data-prop": "step" })));
    } else if (a.type === "field") {
      row.appendChild(labelled(W.field, select(a.field || "", [["", W.choose]].concat(fieldIds(["person", "department"])),
        set("field"), { "data-prop": "field" })));
    }
  }
  var peopleTimer = null;
  function searchPeople(q, list) {
    clearTimeout(peopleTimer);
    peopleTimer = setTimeout(function () {
      fetch("/api/people?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.items || []).forEach(function (p) {
            list.appendChild(el("option", { value: p.employee_no, label: p.name + " · " + p.department }));
          });
        })
        .catch(function () { /* the number can still be typed by hand */ });
    }, 250);
  }
  function setEditor(panel, node) {
    panel.appendChild(el("h3", { text: W.set }));
    node.set = node.set || {};
    Object.keys(node.set).forEach(function (field) {
      var row = el("div", { class: "dz-row" });
      row.appendChild(labelled(W.field, select(field, fieldIds().concat(fieldIds().some(function (f) { return f[0] === field; }) ? [] : [[field, field]]),
        function (v) { rename(node, field, v); changed(true); })));
      row.appendChild(labelled(W.expression, input(node.set[field], function (v) { node.set[field] = v; changed(false); },
        { "data-prop": "set" })));
      row.appendChild(button("✕", function () { delete node.set[field]; changed(true); }, { class: "dz-small", title: W.remove, "aria-label": W.remove }));
      panel.appendChild(row);
    });
    panel.appendChild(button(W.add_set, function () {
      var free = fieldIds().map(function (f) { return f[0]; }).filter(function (id) { return !(id in node.set); })[0];
      if (free === undefined) { return; }
      node.set[free] = "";
      changed(true);
    }, { class: "secondary" }));
  }
  function rename(node, from, to) {
    var next = {};
    Object.keys(node.set).forEach(function (k) { next[k === from ? to : k] = node.set[k]; });
    node.set = next;
  }
  function branchesEditor(panel, node) {
    node.branches.forEach(function (branch, b) {
      var box = el("div", { class: "dz-row", "data-branch": b });
      box.appendChild(labelled(W.branch + " " + (b + 1), input(branch.name, function (v) { branch.name = v; changed(false); }, { "data-prop": "branch-name" })));
      if (node.type === "condition") { conditionEditor(box, branch); }
      panel.appendChild(box);
    });
    if (node.type === "condition") {
      panel.appendChild(el("div", { class: "dz-row" }, [labelled(W.default_branch, input(node.default.name, function (v) {
        node.default.name = v; changed(false);
      }, { "data-prop": "default-name" }))]));
    }
  }
  function conditionEditor(box, branch) {
    var raw = typeof branch.condition === "string";
    box.appendChild(labelled(W.condition_text, select(raw ? "raw" : "structured", [["structured", W.structured], ["raw", W.raw]], function (v) {
      branch.condition = v === "raw" ? conditionText(branch.condition === "" ? null : branch.condition) : { field: "", op: ">", value: 0 };
      changed(true);
    }, { "data-prop": "condition-kind" })));
    if (raw) {
      box.appendChild(labelled(W.expression, input(branch.condition, function (v) { branch.condition = v; changed(false); },
        { "data-prop": "expression", placeholder: "amount > 50000" })));
      return;
    }
    var c = branch.condition;
    box.appendChild(labelled(W.field, select(c.field, [["", W.choose]].concat(fieldIds()), function (v) { c.field = v; changed(false); },
      { "data-prop": "condition-field" })));
    box.appendChild(labelled(W.op, select(c.op, OPS.map(function (o) { return [o, o]; }), function (v) {
      c.op = v;
      c.value = v === "in" ? (Array.isArray(c.value) ? c.value : [c.value]) : (Array.isArray(c.value) ? c.value[0] : c.value);
      changed(true);
    }, { "data-prop": "condition-op" })));
    var shown = Array.isArray(c.value) ? c.value.join(", ") : c.value;
    box.appendChild(labelled(W.value, input(shown, function (v) { c.value = parseValue(c, v); changed(false); },
      { "data-prop": "condition-value", placeholder: c.op === "in" ? W.in_hint : "" })));
  }
  function parseValue(c, text) {
    var field = chain.fields.filter(function (f) { return f.id === c.field; })[0];
    var numeric = field && ["long", "number", "money"].indexOf(field.type) !== -1;
    function one(v) {
      v = v.trim();
      if (field && field.type === "boolean") { return v === "true" || v === "1"; }
      if (numeric && v !== "" && !isNaN(Number(v))) { return Number(v); }
      return v;
    }
    return c.op === "in" ? text.split(",").map(one).filter(function (v) { return v !== ""; }) : one(text);
  }

  // --- the form fields ------------------------------------------------------------------
  function renderFields() {
    var box = document.getElementById("dz-fields");
    box.textContent = "";
    if (!chain.fields.length) { box.appendChild(el("p", { class: "muted", text: W.no_fields })); }
    chain.fields.forEach(function (f, i) {
      var set = function (key) { return function (v) { f[key] = v; changed(false); }; };
      var row = el("div", { class: "dz-field", "data-field": i });
      var grid = el("div", { class: "dz-grid" }, [
        labelled(W.id, input(f.id, set("id"), { "data-prop": "id", autocomplete: "off" })),
        labelled(W.label, input(f.label, set("label"), { "data-prop": "label" })),
        labelled(W.label_en, input(f.label_en, set("label_en"), { "data-prop": "label_en" })),
        labelled(W.type, select(f.type, FIELD_TYPES.map(function (t) { return [t, t]; }), function (v) {
          f.type = v; renderFields(); changed(false);
        }, { "data-prop": "type" }))
      ]);
      var required = el("input", { type: "checkbox", "data-prop": "required" });
      required.checked = !!f.required;
      required.addEventListener("change", function () { f.required = required.checked; changed(false); });
      grid.appendChild(el("label", {}, [required, " " + W.required]));
      if (["long", "number", "money", "date", "string", "textarea"].indexOf(f.type) !== -1) {
        grid.appendChild(labelled(W.min, input(f.min, set("min"), { "data-prop": "min" })));
        grid.appendChild(labelled(W.max, input(f.max, set("max"), { "data-prop": "max" })));
      }
      if (f.type === "money") { grid.appendChild(labelled(W.currency, input(f.currency, set("currency"), { "data-prop": "currency", placeholder: "CNY" }))); }
      grid.appendChild(el("div", { class: "dz-wide" }, [labelled(W.help, input(f.help, set("help"), { "data-prop": "help" }))]));
      if (CHOICE_TYPES.indexOf(f.type) !== -1) {
        var area = el("textarea", { rows: 3, "data-prop": "options" });
        area.value = (f.options || []).map(function (o) { return o.id + " = " + o.label + (o.label_en ? " | " + o.label_en : ""); }).join("\n");
        area.addEventListener("input", function () { f.options = parseOptions(area.value); changed(false); });
        grid.appendChild(el("div", { class: "dz-wide" }, [labelled(W.options, area)]));
      }
      row.appendChild(grid);
      row.appendChild(el("div", { class: "toolbar" }, [
        button("↑", function () { swap(chain.fields, i, -1); }, { class: "dz-small", title: W.up, "aria-label": W.up }),
        button("↓", function () { swap(chain.fields, i, 1); }, { class: "dz-small", title: W.down, "aria-label": W.down }),
        button("✕", function () { chain.fields.splice(i, 1); renderFields(); changed(true); }, { class: "dz-small", title: W.remove, "aria-label": W.remove })
      ]));
      box.appendChild(row);
    });
  }
  function parseOptions(text) {
    return text.split("\n").filter(function (line) { return line.trim(); }).map(function (line) {
      var parts = line.split("=");
      var id = parts.length > 1 ? parts.shift().trim() : "";
      var names = parts.join("=").split("|");
      return { id: id || names[0].trim(), label: names[0].trim(), label_en: (names[1] || "").trim() };
    });
  }
  function swap(list, i, by) {
    var j = i + by;
    if (j < 0 || j >= list.length) { return; }
    var item = list[i]; list[i] = list[j]; list[j] = item;
    renderFields();
    changed(false);
  }

  // --- checking, preview and deploying --------------------------------------------------
  function check() {
    post(root.dataset.validateUrl, chain).then(function (r) { return r.json(); }).then(function (data) {
      problems = data.problems || [];
      showProblems();
    }).catch(function () { /* the next edit checks again */ });
    post(root.dataset.previewUrl, chain).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.text();
    }).then(function (svg) {
      document.getElementById("dz-preview").innerHTML = svg;
    }).catch(function () {
      var box = document.getElementById("dz-preview");
      if (!box.querySelector("svg")) { box.textContent = W.preview_failed; }
    });
  }
  function showProblems() {
    var box = document.getElementById("dz-problems");
    box.textContent = "";
    if (!problems.length) {
      box.appendChild(el("p", { class: "dz-ok", text: W.no_problems }));
    } else {
      box.appendChild(el("p", { text: W.problems + " (" + problems.length + ")" }));
      box.appendChild(el("ul", {}, problems.map(function (p) {
        return el("li", {}, [p.where ? el("code", { text: p.where }) : null, p.where ? ": " : "", p.message]);
      })));
    }
    markProblems();
  }
  function deploy() {
    var result = document.getElementById("dz-deploy-result");
    var note = document.getElementById("dz-note");
    result.textContent = W.deploying;
    post(root.dataset.deployUrl, { chain: chain, note: note ? note.value : "" }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        window.location.href = root.dataset.processUrl + encodeURIComponent(answer.data.key) + "/";
        return;
      }
      result.textContent = W.deploy_failed + ": " + (answer.data.detail || answer.status);
      if (answer.data.problems) { problems = answer.data.problems; showProblems(); }
    }).catch(function (error) { result.textContent = W.deploy_failed + ": " + error; });
  }

  // --- start ----------------------------------------------------------------------------
  root.querySelectorAll("[data-setting]").forEach(function (control) {
    var key = control.dataset.setting;
    control.value = chain[key] || (key === "withdraw" ? "until_acted" : "");
    control.addEventListener(control.tagName === "SELECT" ? "change" : "input", function () {
      chain[key] = control.value;
      changed(false);
    });
  });
  document.getElementById("dz-add-field").addEventListener("click", function () {
    var n = chain.fields.length + 1;
    chain.fields.push({ id: "field" + n, label: "", label_en: "", type: "string", required: false, options: [], min: "", max: "", currency: "", help: "" });
    renderFields();
    changed(true);
  });
  var deployButton = document.getElementById("dz-deploy");
  if (deployButton && canDeploy) { deployButton.addEventListener("click", deploy); }
  fetch("/api/departments", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : []; })
    .then(function (list) {
      departments = (list || []).map(function (d) {
        var english = document.documentElement.lang.indexOf("en") === 0 && d.name_en;
        return { code: d.code, label: (english ? d.name_en : d.name) + " (" + d.code + ")" };
      });
      renderPanel();
    })
    .catch(function () { /* department codes can still be seen in existing chains */ });
  renderFields();
  renderChain();
  renderPanel();
  check();
})();
