// Links & posters: copy a link with one tap.
(function () {
  "use strict";
  document.querySelectorAll(".reach-link").forEach(function (box) {
    var input = box.querySelector(".copy-source"), button = box.querySelector(".copy");
    input.addEventListener("focus", function () { input.select(); });
    button.addEventListener("click", function () {
      input.select();
      var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); };
      if (navigator.clipboard) { navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); }); }
      else { document.execCommand("copy"); done(); }
    });
  });
})();
