(function () {
  "use strict";
  // Drill-down: open the conversation a link points at (works for links inside the page and on load).
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.hidden = false;
      target.scrollIntoView({ block: "start" });
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  // Conversation filters: show/hide <details> by outcome, agent, label and free text (data-* only).
  var filters = document.getElementById("conv-filters");
  var list = document.querySelectorAll("details.conv");
  var counter = document.getElementById("conv-count");
  function applyFilters() {
    var outcome = document.getElementById("f-outcome").value;
    var agent = document.getElementById("f-agent").value;
    var label = document.getElementById("f-label").value;
    var text = document.getElementById("f-text").value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < list.length; i++) {
      var d = list[i];
      var ok = (!outcome || d.dataset.outcome === outcome) &&
        (!agent || d.dataset.agent === agent) &&
        (!label || (" " + d.dataset.labels + " ").indexOf(" " + label + " ") >= 0) &&
        (!text || d.dataset.search.indexOf(text) >= 0);
      d.hidden = !ok;
      if (ok) shown++;
    }
    counter.textContent = shown + " of " + list.length + " shown";
  }
  if (filters) {
    filters.hidden = false;
    filters.addEventListener("input", applyFilters);
    filters.addEventListener("change", applyFilters);
    document.getElementById("f-expand").addEventListener("click", function () {
      for (var i = 0; i < list.length; i++) if (!list[i].hidden) list[i].open = true;
    });
    document.getElementById("f-collapse").addEventListener("click", function () {
      for (var i = 0; i < list.length; i++) list[i].open = false;
    });
    applyFilters();
  }

  // Sortable tables: click a header with data-sort; cells carry data-value for numbers.
  var headers = document.querySelectorAll("th[data-sort]");
  for (var h = 0; h < headers.length; h++) {
    headers[h].setAttribute("tabindex", "0");
    headers[h].addEventListener("click", sortBy);
    headers[h].addEventListener("keydown", function (e) { if (e.key === "Enter") sortBy.call(this); });
  }
  function sortBy() {
    var th = this;
    var table = th.closest("table");
    var body = table.tBodies[0];
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.dataset.sort === "num";
    var dir = th.dataset.dir === "asc" ? "desc" : "asc";
    th.dataset.dir = dir;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.value !== undefined ? a.cells[col].dataset.value : a.cells[col].textContent;
      var y = b.cells[col].dataset.value !== undefined ? b.cells[col].dataset.value : b.cells[col].textContent;
      if (numeric) {
        x = x === "" ? -Infinity : parseFloat(x);
        y = y === "" ? -Infinity : parseFloat(y);
        return dir === "asc" ? x - y : y - x;
      }
      return dir === "asc" ? String(x).localeCompare(String(y)) : String(y).localeCompare(String(x));
    });
    for (var r = 0; r < rows.length; r++) body.appendChild(rows[r]);
  }
})();
