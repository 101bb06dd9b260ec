// Expand or collapse every branch of the organization chart at once.
document.querySelectorAll("[data-org-toggle]").forEach(function (button) {
  button.addEventListener("click", function () {
    var open = button.getAttribute("data-org-toggle") === "open";
    document.querySelectorAll(".org-tree details").forEach(function (d) { d.open = open; });
  });
});
