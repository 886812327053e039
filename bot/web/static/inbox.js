// No inline scripts (the Content-Security-Policy allows only files from /static).
(function () {
  // Filters: choosing a value submits its form.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Canned answers: choosing an entry puts its answer, in the user's language, into the reply box.
  const select = document.getElementById("canned");
  const box = document.getElementById("reply");
  const data = document.getElementById("canned-texts");
  if (!select || !box || !data) return;
  const texts = JSON.parse(data.textContent);
  select.addEventListener("change", function () {
    if (texts[select.value]) box.value = texts[select.value];
  });
})();
