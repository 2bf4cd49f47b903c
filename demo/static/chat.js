// The demo chat: show what the bot sends (a safe subset of Telegram's HTML), send what the person types.
"use strict";
const log = document.getElementById("log");
let next = 0;

function safe(html) {
  // Telegram's HTML: b, i, u, s, code, pre, a. Anything else becomes text.
  const doc = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
  const out = document.createElement("div");
  (function copy(from, to) {
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) { to.appendChild(document.createTextNode(node.textContent)); continue; }
      const tag = node.nodeName.toLowerCase();
      if (["b", "strong", "i", "em", "u", "s", "code", "pre", "a"].includes(tag)) {
        const el = document.createElement(tag);
        if (tag === "a") {
          const href = node.getAttribute("href") || "";
          if (/^https?:\/\//.test(href)) { el.href = href; el.target = "_blank"; el.rel = "noopener noreferrer"; }
        }
        copy(node, el);
        to.appendChild(el);
      } else { copy(node, to); }
    }
  })(doc.body.firstChild, out);
  return out;
}

function bubble(who, content) {
  const el = document.createElement("div");
  el.className = `msg ${who}`;
  if (content instanceof Node) el.appendChild(content); else el.textContent = content;
  log.appendChild(el);
  window.scrollTo(0, document.body.scrollHeight);
  return el;
}

function keys(rows) {
  const box = document.createElement("div");
  box.className = "keys";
  for (const row of rows) {
    const line = document.createElement("div");
    for (const key of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = key.text;
      button.dataset.press = key.data;
      button.addEventListener("click", () => post("/chat/press", { data: key.data }));
      line.appendChild(button);
    }
    box.appendChild(line);
  }
  return box;
}

async function post(path, body) {
  await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  poll();
}

function show(event) {
  const content = safe(event.text);
  if (event.file) {
    const link = document.createElement("a");
    link.className = "file";
    link.href = `/chat/file/${event.index}`;
    link.textContent = `📄 ${event.file}`;
    link.download = event.file;
    content.appendChild(document.createElement("br"));
    content.appendChild(link);
  }
  if (event.buttons.length) content.appendChild(keys(event.buttons));
  bubble("bot", content).dataset.index = event.index; // an edit shows as the newer message
}

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try {
    const answer = await (await fetch(`/chat/events?after=${next}`)).json();
    answer.events.forEach(show);
    next = answer.next;
  } catch (e) { /* the demo stopped: keep what is shown */ }
  polling = false;
}

document.getElementById("say").addEventListener("submit", (event) => {
  event.preventDefault();
  const box = document.getElementById("text");
  const text = box.value.trim();
  if (!text) return;
  bubble("me", text);
  box.value = "";
  post("/chat/say", { text });
});
document.getElementById("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); document.getElementById("send").click(); }
});
document.getElementById("upload").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  bubble("me", `📎 ${file.name}`);
  await fetch("/chat/upload", { method: "POST", headers: { "Content-Type": file.type, "X-File-Name": file.name }, body: file });
  poll();
});
setInterval(poll, 700);
poll();
