/* qa_pipeline batch index: click a column header to sort; click again to reverse. */
(function () {
  "use strict";
  var table = document.getElementById("index");
  var tbody = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      // Numbers default to descending: the worst document pairs are what a reviewer wants first.
      var num = th.dataset.type === "num";
      var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" :
        th.getAttribute("aria-sort") === "ascending" ? "descending" : (num ? "descending" : "ascending");
      if (col === heads.length - 1 && th.getAttribute("aria-sort") === "none") { dir = "ascending"; }
      heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return c * sign || a.cells[0].dataset.v.localeCompare(b.cells[0].dataset.v);
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });
  document.documentElement.dataset.ready = "1";
})();
