// Small behaviours every page shares. An external file, so the CSP needs no inline script.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // Lists as cards on a phone: every data table gets each cell labelled with its column heading
  // (data-label), and CSS shows the rows as cards below 768 px. A table that is a grid by nature
  // (calendar, heat map) opts out with data-ls-table="grid".
  function label(table) {
    var heads = table.tHead ? table.tHead.rows[0] : null;
    if (!heads || table.dataset.lsTable === "grid") return;
    var names = Array.prototype.map.call(heads.cells, function (th) { return th.textContent.trim(); });
    each(table.tBodies, function (body) {
      each(body.rows, function (row) {
        if (row.cells.length === 1 && row.cells[0].colSpan > 1) return row.classList.add("ls-card-empty");
        each(row.cells, function (cell, i) {
          if (!cell.hasAttribute("data-label") && names[i]) cell.setAttribute("data-label", names[i]);
        });
      });
    });
    table.classList.add("ls-cards");
  }
  function labelAll(root) { each(root.querySelectorAll(".ls-main table.table"), label); }

  // An irreversible or wide action asks once: a submit button (or form) with data-ls-confirm
  // shows the sentence in a dialog; the form is sent only after 确定.
  var pending = null;
  function confirmText(form, submitter) {
    var source = submitter && submitter.hasAttribute("data-ls-confirm") ? submitter : form;
    return source.getAttribute("data-ls-confirm") || "";
  }
  document.addEventListener("submit", function (event) {
    var form = event.target, submitter = event.submitter || null;
    var text = confirmText(form, submitter);
    if (!text || form.dataset.lsConfirmed === "1") return;
    var dialog = document.getElementById("ls-confirm");
    if (!dialog || !window.bootstrap) return;
    event.preventDefault();
    pending = { form: form, submitter: submitter };
    dialog.querySelector("[data-ls-confirm-text]").textContent = text;
    window.bootstrap.Modal.getOrCreateInstance(dialog).show();
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-ls-confirm-ok]") || !pending) return;
    var form = pending.form, submitter = pending.submitter;
    pending = null;
    window.bootstrap.Modal.getOrCreateInstance(document.getElementById("ls-confirm")).hide();
    form.dataset.lsConfirmed = "1";
    form.requestSubmit(submitter || undefined);
  });

  // Unit tree pickers (core.forms.UnitTreeSelect): search by name, 全选 / 清空 what is shown.
  function treeItems(tree, visibleOnly) {
    return Array.prototype.filter.call(tree.querySelectorAll("[data-ls-tree-item]"), function (item) {
      return !visibleOnly || !item.hidden;
    });
  }
  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-ls-tree-search]");
    if (!box) return;
    var words = box.value.trim();
    treeItems(box.closest("[data-ls-unit-tree]"), false).forEach(function (item) {
      item.hidden = words !== "" && item.textContent.indexOf(words) === -1;
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-ls-tree-all], [data-ls-tree-none]");
    if (!button) return;
    var checked = button.hasAttribute("data-ls-tree-all");
    treeItems(button.closest("[data-ls-unit-tree]"), true).forEach(function (item) {
      item.querySelector("input[type=checkbox]").checked = checked;
    });
  });

  // Groups of checkboxes with 全选 (the role editor's permission tree): data-ls-check-all
  // ticks every box of its closest data-ls-check-group; it shows ticked when all are,
  // half-ticked when some are.
  function groupBoxes(group) {
    return Array.prototype.filter.call(group.querySelectorAll("input[type=checkbox]"), function (box) {
      return !box.hasAttribute("data-ls-check-all");
    });
  }
  function syncCheckAll(root) {
    each(root.querySelectorAll("[data-ls-check-all]"), function (all) {
      var boxes = groupBoxes(all.closest("[data-ls-check-group]"));
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.closest || !box.closest("[data-ls-check-group]")) return;
    if (box.hasAttribute("data-ls-check-all")) {
      groupBoxes(box.closest("[data-ls-check-group]")).forEach(function (b) { b.checked = box.checked; });
    }
    syncCheckAll(document);
  });

  document.addEventListener("DOMContentLoaded", function () { labelAll(document); syncCheckAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { labelAll(event.target); });
})();
