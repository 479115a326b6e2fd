/* qa_pipeline drift report: filters, search, keyboard navigation and review marks.
   Works from file:// with no network; all data is read from the page's own DOM. */
(function () {
  "use strict";
  var SCHEMA = "qa_pipeline.review/1";
  var STATES = { accepted: "Accepted", false_positive: "False positive" };
  var body = document.body;
  var rowsBox = document.getElementById("rows");
  var rows = rowsBox ? rowsBox.children : [];
  var list = document.getElementById("findings");
  var items = Array.prototype.slice.call(list.querySelectorAll("li.finding"));
  var byId = {};
  items.forEach(function (li) { byId[li.dataset.id] = li; });
  var q = document.getElementById("q");
  var hideReviewed = document.getElementById("hide-reviewed");
  var fcount = document.getElementById("fcount");
  var rowcount = document.getElementById("rowcount");
  var storeKey = "qa_pipeline.review:" + body.dataset.source + "\u0000" + body.dataset.target;
  var marks = {};
  var current = null;
  var rowText = null;  // lower-cased row texts, built on first search only

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(storeKey) || "{}");
      Object.keys(saved).forEach(function (id) {
        if (byId[id] && STATES[saved[id]]) { marks[id] = saved[id]; }
      });
    } catch (e) { /* storage may be disabled for file:// pages; marks still work in memory */ }
  }
  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(marks)); } catch (e) { /* see load() */ }
  }
  function paintMark(li) {
    var m = marks[li.dataset.id] || "";
    if (m) { li.dataset.mark = m; } else { delete li.dataset.mark; }
    li.querySelectorAll("button[data-mark]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.mark === m ? "true" : "false");
    });
    li.querySelector(".state").textContent = m ? STATES[m] : "";
  }
  function setMark(li, state) {
    var id = li.dataset.id;
    if (!state || marks[id] === state) { delete marks[id]; } else { marks[id] = state; }
    paintMark(li);
    save();
    apply();
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
    var needle = q.value.trim().toLowerCase();
    var hideDone = hideReviewed.checked;
    var rowHasVisible = {}, rowHasAny = {}, shown = 0, reviewed = 0;
    items.forEach(function (li) {
      var id = li.dataset.id, row = li.dataset.row;
      if (marks[id]) { reviewed++; }
      rowHasAny[row] = true;
      var ok = sev[li.dataset.sev] !== false && kind[li.dataset.kind] !== false &&
        !(hideDone && marks[id]) && (!needle || li.textContent.toLowerCase().indexOf(needle) >= 0);
      li.hidden = !ok;
      if (ok) { shown++; rowHasVisible[row] = true; }
    });
    if (needle && !rowText) {
      rowText = [];
      for (var j = 0; j < rows.length; j++) { rowText.push(rows[j].textContent.toLowerCase()); }
    }
    var flaggedOnly = mode() === "flagged", visibleRows = 0;
    for (var i = 0; i < rows.length; i++) {
      var vis;
      if (rowHasAny[i]) {
        // A flagged row follows its findings: it shows when one of them passes the filters.
        vis = !!rowHasVisible[i];
        if (needle && !vis && !flaggedOnly) {
          vis = rowText[i].indexOf(needle) >= 0 && sevKindPass(i, sev, kind);
        }
      } else {
        vis = !flaggedOnly && (!needle || rowText[i].indexOf(needle) >= 0);
      }
      if (rows[i].hidden === vis) { rows[i].hidden = !vis; }
      if (vis) { visibleRows++; }
    }
    fcount.textContent = "Showing " + shown + " of " + items.length + " findings" +
      (reviewed ? " \u00b7 " + reviewed + " reviewed" : "");
    rowcount.textContent = visibleRows + " of " + rows.length + " rows";
  }
  function sevKindPass(i, sev, kind) {
    var ids = (rows[i].dataset.f || "").split(" ");
    for (var k = 0; k < ids.length; k++) {
      var li = byId[ids[k]];
      if (li && sev[li.dataset.sev] !== false && kind[li.dataset.kind] !== false) { return true; }
    }
    return false;
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
    var at = vis.indexOf(current);
    var next = at < 0 ? (delta > 0 ? 0 : vis.length - 1) : Math.min(vis.length - 1, Math.max(0, at + delta));
    select(vis[next]);
  }

  function download() {
    var doc = {
      schema: SCHEMA,
      report: { source: body.dataset.source, target: body.dataset.target },
      saved: new Date().toISOString(),
      marks: marks
    };
    var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
    var a = document.createElement("a");
    // Named by the document folder and both files ("customer-loyalty.lt-et.review.json"):
    // in a batch every pair's source is lt.txt, so the file name alone would repeat.
    var stem = function (path) {
      return (path.split(/[\\/]/).pop() || "report").replace(/\.[^.]*$/, "");
    };
    var parts = body.dataset.source.split(/[\\/]/);
    var folder = parts.length > 1 ? parts[parts.length - 2] + "." : "";
    a.download = folder + stem(body.dataset.source) + "-" + stem(body.dataset.target) +
      ".review.json";
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function importMarks(file) {
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var doc = JSON.parse(reader.result);
        if (doc.schema !== SCHEMA || typeof doc.marks !== "object") { throw new Error("schema"); }
        var n = 0;
        Object.keys(doc.marks).forEach(function (id) {
          if (byId[id] && STATES[doc.marks[id]]) { marks[id] = doc.marks[id]; n++; }
        });
        items.forEach(paintMark);
        save();
        apply();
        fcount.textContent += " \u00b7 loaded " + n + " marks";
      } catch (e) {
        fcount.textContent = "Not a " + SCHEMA + " file";
      }
    };
    reader.readAsText(file);
  }

  list.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-mark]");
    var li = ev.target.closest("li.finding");
    if (!li) { return; }
    if (btn) { setMark(li, btn.dataset.mark); return; }
    if (ev.target.closest("a.go")) { ev.preventDefault(); select(li); }
  });
  document.querySelector(".filters").addEventListener("change", function (ev) {
    if (ev.target.id === "load") { if (ev.target.files.length) { importMarks(ev.target.files[0]); } return; }
    apply();
  });
  document.querySelector(".toolbar").addEventListener("change", apply);
  var timer = 0;
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  document.getElementById("download").addEventListener("click", download);
  rowsBox.addEventListener("click", function (ev) {
    var m = ev.target.closest("mark[data-f]");
    if (m) { var li = byId[m.dataset.f.split(" ")[0]]; if (li) { select(li); } }
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
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
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
      case "a": if (current) { setMark(current, "accepted"); } break;
      case "f": if (current) { setMark(current, "false_positive"); } break;
      case "u": if (current) { setMark(current, ""); } break;
      case "/": q.focus(); break;
      default: return;
    }
    ev.preventDefault();
  });

  load();
  items.forEach(function (li) { if (marks[li.dataset.id]) { paintMark(li); } });
  apply();
  document.documentElement.dataset.ready = "1";
  window.qaReady = window.performance ? window.performance.now() : 0;
})();
