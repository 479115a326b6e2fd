/* qa_pipeline drift report: filters, search, keyboard navigation and review marks.
   Works from file:// with no network; all data is read from the page's own DOM. */
(function () {
  "use strict";
  var body = document.body;
  var rowsBox = document.getElementById("rows");
  var rows = rowsBox ? rowsBox.children : [];
  var list = document.getElementById("findings");
  var items = Array.prototype.slice.call(list.querySelectorAll("li.finding"));
  var q = document.getElementById("q");
  var hideReviewed = document.getElementById("hide-reviewed");
  var fcount = document.getElementById("fcount");
  var rowcount = document.getElementById("rowcount");
  var review = window.qaReviewMarks(items, body.dataset.source, body.dataset.target, apply);
  var marks = review.marks, byId = review.byId;
  var current = null;
  var rowText = null;  // lower-cased row texts, built on first search only

  // Search ignores case and diacritics: "sudetingas" finds "sudėtingas", "oige" "õige".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function checked(name) {
    var on = {};
    document.querySelectorAll("input[name=" + name + "]").forEach(function (i) { on[i.value] = i.checked; });
    return on;
  }
  function mode() {
    var m = document.querySelector("input[name=mode]:checked");
    return m ? m.value : "all";
  }

  function apply() {
    var sev = checked("sev"), kind = checked("kind");
    var needle = fold(q.value.trim());
    var hideDone = hideReviewed.checked;
    var rowHasVisible = {}, rowHasAny = {}, shown = 0, reviewed = 0;
    items.forEach(function (li) {
      var id = li.dataset.id, row = li.dataset.row;
      if (marks[id]) { reviewed++; }
      rowHasAny[row] = true;
      var ok = sev[li.dataset.sev] !== false && kind[li.dataset.kind] !== false &&
        !(hideDone && marks[id]) && (!needle || fold(li.textContent).indexOf(needle) >= 0);
      li.hidden = !ok;
      if (ok) { shown++; rowHasVisible[row] = true; }
    });
    if (needle && !rowText) {
      rowText = [];
      for (var j = 0; j < rows.length; j++) { rowText.push(fold(rows[j].textContent)); }
    }
    var flaggedOnly = mode() === "flagged", visibleRows = 0;
    for (var i = 0; i < rows.length; i++) {
      var vis;
      if (flaggedOnly) {
        // "Rows with findings": a flagged row follows its findings, shown when one of them
        // passes the filters.
        vis = !!rowHasVisible[i];
      } else {
        // "All rows": every row, the filters only thin the findings list; a search keeps the
        // rows whose text or findings match.
        vis = !needle || !!rowHasVisible[i] || rowText[i].indexOf(needle) >= 0;
      }
      if (rows[i].hidden === vis) { rows[i].hidden = !vis; }
      if (vis) { visibleRows++; }
    }
    fcount.textContent = "Showing " + shown + " of " + items.length + (items.length === 1 ? " finding" : " findings") +
      (reviewed ? " \u00b7 " + reviewed + " reviewed" : "");
    rowcount.textContent = visibleRows + " of " + rows.length + " rows";
  }
  function jumpToRow(index, flash) {
    var row = document.getElementById("r" + index);
    if (!row) { return; }
    if (row.hidden) { row.hidden = false; }
    var prev = rowsBox.querySelector(".row.current");
    if (prev) { prev.classList.remove("current"); }
    row.classList.add("current");
    row.scrollIntoView({ block: "center" });
    if (flash) {
      row.classList.remove("flash");
      void row.offsetWidth;  // restart the animation
      row.classList.add("flash");
    }
  }
  function select(li) {
    if (current) {
      current.classList.remove("current");
      document.querySelectorAll("mark.hot").forEach(function (m) { m.classList.remove("hot"); });
    }
    current = li;
    if (!li) { return; }
    li.classList.add("current");
    li.scrollIntoView({ block: "nearest" });
    var row = parseInt(li.dataset.row, 10);
    if (row >= 0) {
      jumpToRow(row, true);
      document.getElementById("r" + row).querySelectorAll("mark").forEach(function (m) {
        if ((" " + m.dataset.f + " ").indexOf(" " + li.dataset.id + " ") >= 0) { m.classList.add("hot"); }
      });
    }
  }
  function step(delta) {
    var vis = items.filter(function (li) { return !li.hidden; });
    if (!vis.length) { return; }
    if (current && current.hidden) {
      // The current finding was just hidden (marked, with "Hide reviewed" on): go on from
      // where it stands in the list, not from the top.
      var pos = items.indexOf(current);
      var after = items.filter(function (li, k) { return !li.hidden && (delta > 0 ? k > pos : k < pos); });
      select(after.length ? after[delta > 0 ? 0 : after.length - 1] : vis[delta > 0 ? vis.length - 1 : 0]);
      return;
    }
    var at = vis.indexOf(current);
    var next = at < 0 ? (delta > 0 ? 0 : vis.length - 1) : Math.min(vis.length - 1, Math.max(0, at + delta));
    select(vis[next]);
  }

  function importMarks(file) {
    review.importFile(file, function (n) {
      if (n < 0) { fcount.textContent = "Not a " + review.SCHEMA + " file"; return; }
      fcount.textContent += " \u00b7 loaded " + n + " marks";
    });
  }

  list.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-mark]");
    var li = ev.target.closest("li.finding");
    if (!li) { return; }
    if (btn) { review.set(li, btn.dataset.mark); return; }
    if (ev.target.closest("a.go")) { ev.preventDefault(); select(li); }
  });
  document.querySelector(".filters").addEventListener("change", function (ev) {
    if (ev.target.id === "load") { if (ev.target.files.length) { importMarks(ev.target.files[0]); } return; }
    apply();
  });
  document.querySelector(".toolbar").addEventListener("change", apply);
  var timer = 0;
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  document.getElementById("download").addEventListener("click", review.download);
  rowsBox.addEventListener("click", function (ev) {
    var m = ev.target.closest("mark[data-f]");
    if (!m) { return; }
    // A span several findings share: each click selects the next of them.
    var ids = m.dataset.f.split(" ").filter(function (id) { return byId[id]; });
    var at = current ? ids.indexOf(current.dataset.id) : -1;
    if (ids.length) { select(byId[ids[(at + 1) % ids.length]]); }
  });
  document.getElementById("strip").addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-row]");
    if (t) { jumpToRow(parseInt(t.dataset.row, 10), true); return; }
    var box = this.getBoundingClientRect();
    var n = parseInt(this.dataset.columns, 10);
    jumpToRow(Math.min(n - 1, Math.max(0, Math.floor((ev.clientX - box.left) / box.width * n))), true);
  });
  document.getElementById("heat").addEventListener("click", function (ev) {
    var t = ev.target.closest("[data-row]");
    if (t && parseInt(t.dataset.row, 10) >= 0) { jumpToRow(parseInt(t.dataset.row, 10), true); }
  });
  // Single-key shortcuts can be turned off (they get in the way of screen readers' own
  // keys and of speech input: WCAG 2.1.4); the choice is kept for the next report opened.
  var keysOn = document.getElementById("keys-on");
  try { keysOn.checked = window.localStorage.getItem("qa-pipeline.keys") !== "off"; } catch (e) { /* storage blocked */ }
  keysOn.addEventListener("change", function () {
    try { window.localStorage.setItem("qa-pipeline.keys", keysOn.checked ? "on" : "off"); } catch (e) { /* storage blocked */ }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || !keysOn.checked) { return; }
    var tag = ev.target.tagName;
    // Keys still navigate after a filter checkbox or radio was clicked; only typing is exempt.
    var typing = tag === "TEXTAREA" || tag === "SELECT" ||
      (tag === "INPUT" && !/^(checkbox|radio|button|file)$/.test(ev.target.type));
    if (typing) {
      if (ev.key === "Escape") { ev.target.blur(); }
      return;
    }
    switch (ev.key) {
      case "j": step(1); break;
      case "k": step(-1); break;
      case "a": if (current) { review.set(current, "accepted"); } break;
      case "f": if (current) { review.set(current, "false_positive"); } break;
      case "u": if (current) { review.set(current, ""); } break;
      case "/": q.focus(); break;
      default: return;
    }
    ev.preventDefault();
  });

  apply();
  document.documentElement.dataset.ready = "1";
  window.qaReady = window.performance ? window.performance.now() : 0;
})();
