// On a phone, tables become stacks of cards (portal.css, section 11): each cell is labelled
// with its column's heading. Templates may write data-label themselves; this fills in the rest.
// The explicit roles keep the table's meaning for screen readers once CSS lays it out as blocks.
(function () {
  "use strict";
  document.querySelectorAll(".table-wrap > table.table").forEach(function (table) {
    var headings = Array.prototype.map.call(
      table.querySelectorAll(":scope > thead > tr:first-child > th"),
      function (th) {
        return th.textContent.trim();
      }
    );
    table.setAttribute("role", "table");
    table.querySelectorAll(":scope > thead, :scope > tbody").forEach(function (group) {
      group.setAttribute("role", "rowgroup");
    });
    table.querySelectorAll(":scope > thead > tr > th").forEach(function (th) {
      th.setAttribute("role", "columnheader");
    });
    table.querySelectorAll(":scope > :is(thead, tbody) > tr").forEach(function (row) {
      row.setAttribute("role", "row");
    });
    table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (cell.tagName === "TD") cell.setAttribute("role", "cell");
        else if (cell.getAttribute("scope") === "row") cell.setAttribute("role", "rowheader");
        if (!cell.hasAttribute("data-label") && headings[column] !== undefined) {
          cell.setAttribute("data-label", headings[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  });
})();
