/* "À lire également" in the article admin: drag a row to reorder the picks;
   the position fields are renumbered in the new order (they stay editable
   for keyboard users). */
(function () {
  "use strict";
  function renumber(tbody) {
    var n = 0;
    tbody.querySelectorAll("tr.form-row:not(.empty-form)").forEach(function (row) {
      // Empty extra rows keep their default, so they stay "unchanged".
      var position = row.querySelector("input[name$='-position']");
      var related = row.querySelector("select[name$='-related']");
      if (position && related && related.value) { position.value = n; n += 1; }
    });
  }
  function setUp(group) {
    var tbody = group.querySelector("tbody");
    if (!tbody) return;
    var dragged = null;
    function rows() { return tbody.querySelectorAll("tr.form-row:not(.empty-form)"); }
    function arm() {
      rows().forEach(function (row) {
        if (row.draggable) return;
        row.draggable = true;
        row.classList.add("related-draggable");
        row.title = row.title || group.dataset.dragHint || "";
      });
    }
    arm();
    tbody.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("tr.form-row");
      if (!dragged) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
      dragged.classList.add("related-dragging");
    });
    tbody.addEventListener("dragover", function (event) {
      var over = event.target.closest("tr.form-row");
      if (!dragged || !over || over === dragged || over.classList.contains("empty-form")) return;
      event.preventDefault();
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      tbody.insertBefore(dragged, after ? over.nextSibling : over);
    });
    tbody.addEventListener("drop", function (event) { event.preventDefault(); });
    tbody.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("related-dragging");
      dragged = null;
      renumber(tbody);
    });
    // Rows added with "Ajouter" become draggable too.
    document.addEventListener("formset:added", arm);
  }
  function start() {
    var group = document.getElementById("related_links-group");
    if (group) setUp(group);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
