/* qa_pipeline n-way report: filter findings and rows by the translation that drifted, jump
   from a finding to its row, and review marks (marks.js). Works from file:// with no network. */
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#rows tr.row"));
  var items = Array.prototype.slice.call(document.querySelectorAll("#findings li.finding"));
  var only = document.getElementById("only-flagged");
  var fcount = document.getElementById("fcount");
  var rowcount = document.getElementById("rowcount");
  var hideReviewed = document.getElementById("hide-reviewed");
  var review = window.qaReviewMarks(items, document.body.dataset.source,
                                    document.body.dataset.target, apply);

  function chosen() {
    var r = document.querySelector("input[name=lang]:checked");
    return r ? r.value : "all";
  }
  function apply() {
    var lang = chosen();
    var shown = 0, reviewed = 0;
    items.forEach(function (li) {
      var marked = !!review.marks[li.dataset.id];
      if (marked) { reviewed += 1; }
      var ok = (lang === "all" || li.dataset.drifted === lang) && !(hideReviewed.checked && marked);
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var nrows = 0;
    rows.forEach(function (tr) {
      var who = tr.dataset.drifted ? tr.dataset.drifted.split(" ") : [];
      var ok = lang === "all" ? (!only.checked || who.length > 0) : who.indexOf(lang) >= 0;
      tr.hidden = !ok;
      if (ok) { nrows += 1; }
    });
    fcount.textContent = shown + " of " + items.length + (items.length === 1 ? " finding" : " findings") +
      (reviewed ? " \u00b7 " + reviewed + " reviewed" : "");
    rowcount.textContent = nrows + " of " + rows.length + " rows";
  }
  function focusRow(id) {
    rows.forEach(function (tr) { tr.classList.remove("current"); });
    var tr = document.getElementById(id);
    if (!tr) { return; }
    tr.hidden = false;
    tr.classList.add("current");
    tr.scrollIntoView({ block: "center" });
  }
  document.querySelectorAll("input[name=lang]").forEach(function (r) {
    r.addEventListener("change", apply);
  });
  only.addEventListener("change", apply);
  hideReviewed.addEventListener("change", apply);
  document.getElementById("download").addEventListener("click", review.download);
  document.getElementById("load").addEventListener("change", function (ev) {
    if (!ev.target.files.length) { return; }
    review.importFile(ev.target.files[0], function (n) {
      fcount.textContent = n < 0 ? "Not a " + review.SCHEMA + " file"
        : fcount.textContent + " \u00b7 loaded " + n + " marks";
    });
  });
  items.forEach(function (li) {
    li.querySelectorAll("button[data-mark]").forEach(function (b) {
      b.addEventListener("click", function () { review.set(li, b.dataset.mark); });
    });
    li.querySelector("a.go").addEventListener("click", function (e) {
      e.preventDefault();
      items.forEach(function (x) { x.classList.remove("current"); });
      li.classList.add("current");
      var id = "row-" + li.dataset.row;
      if (window.history && window.history.replaceState) { window.history.replaceState(null, "", "#" + id); }
      focusRow(id);
    });
  });
  apply();
  if (window.location.hash) { focusRow(window.location.hash.slice(1)); }
  document.documentElement.dataset.ready = "1";
})();
