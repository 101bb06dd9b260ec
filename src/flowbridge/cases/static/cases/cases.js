// Catalogue: filter the list while typing (the search form works without it).
(function () {
  var box = document.getElementById("catalog-search");
  if (!box) return;
  box.addEventListener("input", function () {
    var q = box.value.trim().toLowerCase();
    document.querySelectorAll(".catalog-item").forEach(function (li) {
      li.hidden = q !== "" && li.dataset.search.toLowerCase().indexOf(q) < 0 && li.textContent.toLowerCase().indexOf(q) < 0;
    });
    document.querySelectorAll(".catalog-group").forEach(function (group) {
      group.hidden = !group.querySelector(".catalog-item:not([hidden])");
    });
  });
})();
