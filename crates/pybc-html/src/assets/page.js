(function () {
  "use strict";
  var pinned = null;
  function each(selector, f) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), f);
  }
  function mark(line, cls) {
    each("." + cls, function (e) { e.classList.remove(cls); });
    if (line !== null) {
      each('[data-line="' + line + '"]', function (e) { e.classList.add(cls); });
    }
  }
  function reveal(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    el.scrollIntoView({ block: "nearest" });
  }
  function pin(line, from) {
    pinned = line;
    mark(null, "hl");
    mark(line, "pin");
    var other = from === "src" ? "tr.ins" : ".src";
    var first = document.querySelector(other + '[data-line="' + line + '"]');
    if (first) { reveal(first); }
  }
  each("[data-line]", function (el) {
    var line = el.getAttribute("data-line");
    var from = el.classList.contains("src") ? "src" : "ins";
    el.addEventListener("mouseenter", function () { mark(line, "hl"); });
    el.addEventListener("mouseleave", function () { mark(null, "hl"); });
    el.addEventListener("click", function (ev) {
      if (ev.target.tagName === "A") { return; }
      pin(pinned === line ? null : line, from);
    });
  });
  window.addEventListener("hashchange", function () {
    var el = document.getElementById(location.hash.slice(1));
    if (el) { reveal(el); }
  });
})();
