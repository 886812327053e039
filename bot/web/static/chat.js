// Web chat: sends the question to /chat/ask and shows the reply as text (never as HTML).
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  const lang = document.getElementById("lang");
  const country = document.getElementById("country");
  function add(cls, text) {
    const li = document.createElement("li");
    li.className = cls;
    li.textContent = text;
    log.appendChild(li);
    li.scrollIntoView({block: "end"});
    return li;
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    add("user", text);
    input.value = "";
    try {
      const res = await fetch("/chat/ask", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({text: text, lang: lang.value || null, country: country.value}),
      });
      const data = await res.json();
      if (!res.ok) { add("bot", data.error || "Error"); return; }
      if (!lang.value && data.lang) lang.value = data.lang;
      add("bot", data.reply).dataset.action = data.action;
      add("meta", data.action + (data.entry ? " · " + data.entry : ""));
    } catch (e) {
      add("bot", "Connection problem — please try again.");
    }
  });
})();
