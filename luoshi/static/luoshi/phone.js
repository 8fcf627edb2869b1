// Lists as cards on a phone: every data table of a page gets each cell labelled with its
// column heading (data-label), and CSS shows the rows as cards below 768 px. A table that is a
// grid by nature (calendar, heat map) opts out with data-ls-table="grid".
(function () {
  "use strict";
  function label(table) {
    var heads = table.tHead ? table.tHead.rows[0] : null;
    if (!heads || table.dataset.lsTable === "grid") return;
    var names = Array.prototype.map.call(heads.cells, function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.cells.length === 1 && row.cells[0].colSpan > 1) return row.classList.add("ls-card-empty");
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (!cell.hasAttribute("data-label") && names[i]) cell.setAttribute("data-label", names[i]);
        });
      });
    });
    table.classList.add("ls-cards");
  }
  function labelAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(".ls-main table.table"), label);
  }
  document.addEventListener("DOMContentLoaded", function () { labelAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { labelAll(event.target); });
})();
