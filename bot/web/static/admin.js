// The entry editor's live preview: the server renders the answer as the channels will show it.
(function () {
  "use strict";
  const form = document.getElementById("editor");
  if (!form || !form.dataset.preview) return;
  const tg = document.getElementById("tg-preview"), wa = document.getElementById("wa-preview");
  const tgCount = document.getElementById("tg-count"), waCount = document.getElementById("wa-count");
  let timer = null, seq = 0;
  function label(p, channel) {
    const c = p[channel];
    return p.length + " / " + c.limit + (c.parts > 1 ? " · sent as " + c.parts + " messages" : "");
  }
  async function refresh() {
    const mine = ++seq;
    try {
      const res = await fetch(form.dataset.preview, {method: "POST", body: new FormData(form)});
      const p = await res.json();
      if (mine !== seq || p.error) return;
      tg.innerHTML = p.html;  // rendered and escaped by the server
      wa.innerHTML = p.html;
      tgCount.textContent = label(p, "telegram");
      waCount.textContent = label(p, "whatsapp");
      waCount.classList.toggle("over", p.length > p.whatsapp.limit);
    } catch (e) { /* offline: keep the last preview */ }
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();
