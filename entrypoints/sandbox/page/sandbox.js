// The sandbox page: polls /sandbox/state, draws both sides and the timeline, posts what people do.
"use strict";
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else if (v != null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c);
  return node;
};
const drafts = {};
let since = 0, lastChat = "", lastIssues = "";

async function act(name, body) {
  const r = await fetch("/sandbox/" + name, {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body)});
  if (!r.ok) alert("Не получилось: " + ((await r.json()).error || r.status));
  poll();
}

function draft(key, tag, attrs) {
  const field = el(tag, {...attrs, "data-draft": key, oninput: e => { drafts[key] = e.target.value; }});
  field.value = drafts[key] || "";
  return field;
}

function send(key, name, body) {
  const text = (drafts[key] || "").trim();
  if (!text) return;
  drafts[key] = "";
  const field = $(`[data-draft="${key}"]`);
  if (field) field.value = "";
  act(name, {...body, text});
}

// **bold** as Pachca shows it; everything else as plain text
const md = text => text.split("**").map((part, i) => i % 2 ? el("b", {}, part) : part);

function buttons(msg) {
  return el("div", {class: "buttons"}, msg.buttons.flat().map(b => b.url
    ? el("a", {href: b.url, target: "_blank"}, b.text)
    : el("button", {type: "button", "data-message": msg.id, onclick: () => act("press", {message_id: msg.id, data: b.data})}, b.text)));
}

function message(msg) {
  return el("div", {class: "msg" + (msg.bot ? " bot" : ""), "data-id": msg.id},
    el("div", {class: "who"}, msg.author + (msg.edits ? " · изменено" : "")), md(msg.text), buttons(msg));
}

function drawChat(chat) {
  const feed = $("#chat");
  feed.replaceChildren(...chat.messages.map(m => el("div", {}, message(m), m.thread_id ? el("div", {class: "thread", "data-thread": m.thread_id},
    m.thread.map(message),
    el("form", {class: "composer", onsubmit: e => { e.preventDefault(); send("t" + m.thread_id, "reply", {thread_id: m.thread_id}); }},
      draft("t" + m.thread_id, "input", {class: "reply", placeholder: "Ответить в треде…"}), el("button", {type: "submit"}, "Ответить"))) : "")));
  if (chat.private.length) feed.append(el("h3", {}, "Личные сообщения от бота"), ...chat.private.map(message));
  if (chat.admin.length) feed.append(el("h3", {}, "Чат администратора"), ...chat.admin.map(message));
  $("#forms").replaceChildren(...chat.forms.map(form));
}

function form(f) {
  const fields = f.view.blocks.map(b => el("label", {}, b.label, " ", b.type === "select"
    ? el("select", {name: b.name}, b.options.map(o => el("option", {value: o.value}, o.text)))
    : el("textarea", {name: b.name, rows: 2})));
  const submit = e => {
    e.preventDefault();
    const values = Object.fromEntries([...e.target.elements].filter(x => x.name).map(x => [x.name, x.value]));
    act("submit", {trigger_id: f.trigger_id, values});
  };
  return el("form", {class: "form", onsubmit: submit}, el("b", {}, f.view.title), fields,
    el("button", {type: "submit"}, f.view.submit_text || "Отправить"));
}

function drawIssues(issues) {
  if (!issues.length) { $("#issues").replaceChildren(el("p", {class: "empty"}, "Задач пока нет: напишите в чат слева.")); return; }
  $("#issues").replaceChildren(...issues.map(i => el("div", {class: "issue", id: i.key, "data-key": i.key},
    el("div", {}, el("b", {}, i.key), " ", i.summary),
    el("div", {}, "Статус: ", el("span", {class: "status"}, i.status)),
    el("details", {}, el("summary", {}, "Описание и поля"), el("pre", {}, i.description), el("pre", {}, JSON.stringify(i.fields, null, 1))),
    i.comments.map(c => el("div", {class: "comment"}, el("div", {class: "who"}, c.author + (c.summonees.length ? " · призваны: " + c.summonees.join(", ") : "")), md(c.text))),
    el("form", {class: "composer", onsubmit: e => { e.preventDefault(); send("c" + i.key, "comment", {key: i.key}); }},
      draft("c" + i.key, "textarea", {class: "comment-text", rows: 2, placeholder: "Комментарий (упомянуть: @opetrov)"}),
      el("button", {type: "submit"}, "Комментировать")),
    el("div", {class: "buttons"}, i.moves.map(m => el("button", {type: "button", "data-move": m.id, onclick: () => act("move", {key: i.key, transition: m.id})}, m.name))))));
}

function drawTimeline(entries) {
  const list = $("#timeline");
  for (const e of entries) {
    const cls = e.status == null ? "err" : e.status === 202 ? "queued" : e.status < 300 ? "ok" : "err";
    const time = new Date(e.at * 1000).toLocaleTimeString("ru-RU");
    list.prepend(el("li", {}, `${time} `, el("span", {class: "st " + cls}, e.status ?? "—"),
      ` ${e.flow}: ${e.what} · ${e.ms < 10 ? e.ms.toFixed(1) : Math.round(e.ms)} мс`, e.note ? ` · ${e.note}` : ""));
    since = Math.max(since, e.seq);
  }
}

async function poll() {
  let state;
  try { state = await (await fetch("/sandbox/state?since=" + since)).json(); } catch (e) { return; }
  const focused = document.activeElement && document.activeElement.dataset.draft;
  const chat = JSON.stringify(state.chat), issues = JSON.stringify(state.issues);
  if (chat !== lastChat) { lastChat = chat; drawChat(state.chat); }
  if (issues !== lastIssues) { lastIssues = issues; drawIssues(state.issues); }
  if (focused) { const f = $(`[data-draft="${focused}"]`); if (f) f.focus(); }
  drawTimeline(state.timeline);
  const box = $("#outbox");
  box.textContent = `Очередь повторов: ${state.outbox.pending}` + (state.outbox.dead ? `, не доставлено: ${state.outbox.dead}` : "");
  box.classList.toggle("busy", state.outbox.pending > 0);
  $("#dups").textContent = state.duplicates.length ? "Дубли: " + state.duplicates.join("; ") : "Дублей нет";
  $("#dups").classList.toggle("bad", state.duplicates.length > 0);
  for (const [name, on] of Object.entries(state.switches)) $("#sw-" + name).checked = on;
}

document.querySelectorAll("[data-switch]").forEach(box =>
  box.addEventListener("change", () => act("switch", {name: box.dataset.switch, on: box.checked})));
$("#write").addEventListener("submit", e => { e.preventDefault(); send("write", "write", {}); });
$("#write-text").dataset.draft = "write";
$("#write-text").addEventListener("input", e => { drafts.write = e.target.value; });
setInterval(poll, 700);
poll();
