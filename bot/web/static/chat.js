// Web chat on the same conversation pipeline as Telegram and WhatsApp.
// Replies are shown as text (never as HTML); buttons send their payload.
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("text");
  function rid() {
    const a = new Uint8Array(18);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => ("0" + b.toString(16)).slice(-2)).join("");
  }
  let session = localStorage.getItem("brug-session");
  if (!session) { session = rid(); localStorage.setItem("brug-session", session); }
  let lastPolled = 0;

  // Our light markup: *bold* and plain URLs. Built from text nodes, never innerHTML.
  function rich(parent, text) {
    text.split(/(\*[^*\n]+\*|https?:\/\/[^\s)]+)/).forEach(function (part) {
      if (/^\*[^*\n]+\*$/.test(part)) {
        const b = document.createElement("strong");
        b.textContent = part.slice(1, -1);
        parent.appendChild(b);
      } else if (/^https?:\/\//.test(part)) {
        const a = document.createElement("a");
        a.href = part;
        a.textContent = part;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        parent.appendChild(a);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }
  function add(cls, text) {
    const li = document.createElement("li");
    li.className = cls;
    if (cls === "bot") { rich(li, text); } else { li.textContent = text; }
    log.appendChild(li);
    li.scrollIntoView({block: "end"});
    return li;
  }
  function show(reply) {
    const li = add("bot", reply.text);
    if (reply.buttons && reply.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      reply.buttons.forEach(function (b) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        btn.addEventListener("click", function () { send("", b.payload, b.label); });
        row.appendChild(btn);
      });
      li.appendChild(row);
    }
  }
  async function send(text, payload, label) {
    if (label !== "") add("user", label || text);  // "" = a silent start, not typed by the user
    try {
      const res = await fetch("/chat/message", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({session: session, id: rid(), text: text, payload: payload || null,
                              locale: navigator.language || null}),
      });
      const data = await res.json();
      if (!res.ok) { add("bot", data.error || "Error"); return; }
      data.replies.forEach(show);
    } catch (e) {
      add("bot", "Connection problem — please try again.");
    }
  }
  async function poll() {
    try {
      const res = await fetch("/chat/poll?session=" + session + "&after=" + lastPolled);
      if (res.ok) {
        const data = await res.json();
        data.messages.forEach(function (m) { lastPolled = Math.max(lastPolled, m.id); show(m); });
      }
    } catch (e) { /* offline: try again later */ }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, null, null);
  });
  setInterval(poll, 4000);
  if (!localStorage.getItem("brug-started")) {
    localStorage.setItem("brug-started", "1");
    send("/start", null, "");
  }
})();
