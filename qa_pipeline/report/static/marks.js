/* qa_pipeline review marks, shared by the pair and the n-way report pages: a finding is
   accepted or marked a false positive, kept in the browser's storage, downloaded as a
   qa_pipeline.review/1 file (which `qa-pipeline baseline import` reads) and loaded back.
   `items` are the findings' <li data-id> with .rv buttons; `changed` runs after every change. */
window.qaReviewMarks = function (items, source, target, changed) {
  "use strict";
  var SCHEMA = "qa_pipeline.review/1";
  var STATES = { accepted: "Accepted", false_positive: "False positive" };
  var byId = {};
  items.forEach(function (li) { byId[li.dataset.id] = li; });
  var storeKey = "qa_pipeline.review:" + source + "\u0000" + target;
  var marks = {};

  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(marks)); } catch (e) { /* see below */ }
  }
  function paint(li) {
    var m = marks[li.dataset.id] || "";
    if (m) { li.dataset.mark = m; } else { delete li.dataset.mark; }
    li.querySelectorAll("button[data-mark]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.mark === m ? "true" : "false");
    });
    li.querySelector(".state").textContent = m ? STATES[m] : "";
  }
  function set(li, state) {
    var id = li.dataset.id;
    if (!state || marks[id] === state) { delete marks[id]; } else { marks[id] = state; }
    paint(li);
    save();
    changed();
  }
  function download() {
    var doc = { schema: SCHEMA, report: { source: source, target: target },
                saved: new Date().toISOString(), marks: marks };
    var blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
    var a = document.createElement("a");
    // Named by the document folder and both files ("customer-loyalty.lt-et.review.json"):
    // in a batch every pair's source is lt.txt, so the file name alone would repeat.
    var stem = function (path) {
      return (path.split(/[\\/]/).pop() || "report").replace(/\.[^.]*$/, "");
    };
    var parts = source.split(/[\\/]/);
    var folder = parts.length > 1 ? parts[parts.length - 2] + "." : "";
    a.download = folder + stem(source) + "-" + stem(target) + ".review.json";
    a.href = URL.createObjectURL(blob);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  /* Read a marks file; `done(n)` with the number of marks taken, or -1 for a file that is
     not review marks. */
  function importFile(file, done) {
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var doc = JSON.parse(reader.result);
        if (doc.schema !== SCHEMA || typeof doc.marks !== "object") { throw new Error("schema"); }
        var n = 0;
        Object.keys(doc.marks).forEach(function (id) {
          if (byId[id] && STATES[doc.marks[id]]) { marks[id] = doc.marks[id]; n++; }
        });
        items.forEach(paint);
        save();
        changed();
        done(n);
      } catch (e) {
        done(-1);
      }
    };
    reader.readAsText(file);
  }

  try {
    var saved = JSON.parse(window.localStorage.getItem(storeKey) || "{}");
    Object.keys(saved).forEach(function (id) {
      if (byId[id] && STATES[saved[id]]) { marks[id] = saved[id]; }
    });
  } catch (e) { /* storage may be disabled for file:// pages; marks still work in memory */ }
  items.forEach(function (li) { if (marks[li.dataset.id]) { paint(li); } });
  return { SCHEMA: SCHEMA, marks: marks, byId: byId, set: set, download: download,
           importFile: importFile };
};
