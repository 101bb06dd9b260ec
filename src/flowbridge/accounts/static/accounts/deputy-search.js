// Filter the deputy list as the user types; without JavaScript the plain list still works.
(function () {
  var search = document.getElementById("deputy-search");
  var select = document.getElementById("id_deputy");
  if (!search || !select) { return; }
  var options = Array.prototype.slice.call(select.options);
  search.addEventListener("input", function () {
    var needle = search.value.trim().toLowerCase();
    var first = null;
    options.forEach(function (option) {
      var match = !option.value || option.text.toLowerCase().indexOf(needle) !== -1;
      option.hidden = !match;
      option.disabled = !match && !!option.value;
      if (match && option.value && first === null) { first = option; }
    });
    var current = select.options[select.selectedIndex];
    if (needle && first && (!select.value || !current || current.hidden)) {
      first.selected = true;
    }
  });
})();
