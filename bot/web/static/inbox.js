// Canned answers: choosing an entry puts its answer, in the user's language, into the reply box.
(function () {
  const select = document.getElementById("canned");
  const box = document.getElementById("reply");
  const texts = JSON.parse(document.getElementById("canned-texts").textContent);
  if (!select || !box) return;
  select.addEventListener("change", function () {
    if (texts[select.value]) box.value = texts[select.value];
  });
})();
