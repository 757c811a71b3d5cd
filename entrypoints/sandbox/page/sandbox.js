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
// what people type survives a redraw, a lost connection and the reload after a restart of the sandbox
const drafts = JSON.parse(sessionStorage.getItem("drafts") || "{}");
const keep = () => sessionStorage.setItem("drafts", JSON.stringify(drafts));
let since = 0, run = null, lastChat = "", lastIssues = "", shown = 0;
const TRACKER = location.origin + "/sandbox/tracker/";

function online(yes) { $("#offline").hidden = yes; }

// POSTs an action; the answer's JSON, or null when the sandbox cannot be reached or refused it
async function act(name, body) {
  let r;
  try {
    r = await fetch("/sandbox/" + name, {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body)});
  } catch (e) { online(false); return null; }
  online(true);
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) alert("Не получилось: " + (answer.error || r.status));
  poll();
  return r.ok ? answer : null;
}

function draft(key, tag, attrs, initial = "") {
  const field = el(tag, {...attrs, "data-draft": key, oninput: e => { drafts[key] = e.target.value; keep(); }});
  if (!(key in drafts) && initial) drafts[key] = initial;
  return field;
}
const fill = root => root.querySelectorAll("[data-draft]").forEach(f => { if (f.dataset.draft in drafts) f.value = drafts[f.dataset.draft]; });

// the text leaves the field only once the sandbox took it: with no connection it stays where it was typed
async function send(key, name, body) {
  const text = (drafts[key] || "").trim();
  if (!text) return;
  if (await act(name, {...body, text}) === null) return;
  drafts[key] = ""; keep();
  const field = $(`[data-draft="${key}"]`);
  if (field) field.value = "";
}

// what Pachca renders of markdown: **bold** and [text](url); everything else as plain text
function md(text) {
  const parts = [], pattern = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;
  let at = 0;
  for (const m of text.matchAll(pattern)) {
    parts.push(text.slice(at, m.index));
    parts.push(m[1] != null ? el("b", {}, m[1]) : el("a", {href: m[3], target: "_blank", rel: "noopener"}, m[2]));
    at = m.index + m[0].length;
  }
  parts.push(text.slice(at));
  return parts;
}

function buttons(msg) {
  return el("div", {class: "buttons"}, msg.buttons.flat().map(b => b.url
    ? el("a", {href: b.url, target: "_blank", rel: "noopener"}, b.text)
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
  fill(feed); fill($("#forms"));
  const count = chat.messages.reduce((n, m) => n + 1 + m.thread.length, chat.private.length);
  if (count > shown) feed.scrollTop = feed.scrollHeight;  // new messages come into view
  shown = count;
}

// a Pachca form; a submission the bot refused stays open with each field's error beside it
function form(f) {
  const key = name => `f${f.trigger_id}:${name}`;
  const fields = f.view.blocks.map(b => {
    const error = f.errors[b.name];
    const attrs = {name: b.name, class: error ? "invalid" : null};
    const field = b.type === "select"
      ? draft(key(b.name), "select", attrs, f.values[b.name]) : draft(key(b.name), "textarea", {...attrs, rows: 2}, f.values[b.name]);
    if (b.type === "select") field.append(...b.options.map(o => el("option", {value: o.value}, o.text)));
    return el("label", {}, b.label, " ", field, error ? el("div", {class: "error", "data-error": b.name}, error) : "");
  });
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
  fill($("#issues"));
}

function tab(name) {
  $("#panes").dataset.tab = name;
  document.querySelectorAll("#tabs button").forEach(b => b.classList.toggle("on", b.dataset.tab === name));
}

// a link to an issue in the sandbox's Tracker opens it here, in the Tracker pane, not in a second sandbox
function showIssue(key) {
  const issue = document.getElementById(key);
  if (!issue) return false;
  tab("tracker");
  issue.scrollIntoView({block: "center", behavior: "smooth"});
  issue.classList.add("highlight");
  setTimeout(() => issue.classList.remove("highlight"), 2500);
  return true;
}

function line(e) {
  const cls = e.status == null ? "err" : e.status === 202 ? "queued" : e.status < 300 ? "ok" : "err";
  const time = new Date(e.at * 1000).toLocaleTimeString("ru-RU");
  return [`${time} `, el("span", {class: "st " + cls}, e.status ?? "—"),
    ` ${e.flow}: ${e.what} · ${e.ms < 10 ? e.ms.toFixed(1) : Math.round(e.ms)} мс`, e.note ? ` · ${e.note}` : ""];
}

// newest first; a webhook or a pass is one group: its calls above it (newer), its own line at the bottom (it came first)
function drawTimeline(entries) {
  const list = $("#timeline");
  for (const e of entries) {
    since = Math.max(since, e.seq);
    if (!e.group) { list.prepend(el("li", {"data-seq": e.seq}, line(e))); continue; }
    let group = list.querySelector(`:scope > li[data-group="${e.group}"]`);
    if (!group) {
      group = el("li", {class: "group", "data-group": e.group}, el("ol", {}), el("div", {class: "cause"}, "…"));
      list.prepend(group);
    }
    if (e.flow.endsWith("→ мост")) group.querySelector(".cause").replaceChildren(...line(e));
    else group.querySelector("ol").prepend(el("li", {"data-seq": e.seq}, line(e)));
  }
}

function drawOutbox(outbox) {
  const next = outbox.waiting.length ? Math.min(...outbox.waiting.map(w => w.next_try_in)) : null;
  const box = $("#outbox");
  box.textContent = `Очередь повторов: ${outbox.pending}` + (outbox.dead ? `, не доставлено: ${outbox.dead}` : "")
    + (next == null ? "" : ` · ${attempt(next)}`);
  box.classList.toggle("busy", outbox.pending > 0);
  $("#waiting").replaceChildren(...outbox.waiting.map(w => el("li", {class: "waiting"},
    `${KINDS[w.kind] || w.kind} · попыток: ${w.attempts} · ${attempt(w.next_try_in)}`)));
}
const attempt = seconds => seconds > 0 ? `следующая попытка через ${seconds} с` : "попытка сейчас";
const KINDS = {"pachca.message": "сообщение из Пачки", "pachca.reply": "ответ в треде", "pachca.button": "нажатие кнопки",
  "pachca.form": "форма заявки", "pachca.edit": "правка сообщения", "pachca.delete": "удаление сообщения",
  "tracker.comment": "комментарий из Трекера", "tracker.status": "смена статуса"};

async function poll() {
  let state;
  try { state = await (await fetch("/sandbox/state?since=" + since)).json(); } catch (e) { online(false); return; }
  online(true);
  if (run && state.run !== run) { keep(); location.reload(); return; }  // the sandbox restarted: a new world
  run = state.run;
  const focused = document.activeElement && document.activeElement.dataset.draft;
  const chat = JSON.stringify(state.chat), issues = JSON.stringify(state.issues);
  if (chat !== lastChat) { lastChat = chat; drawChat(state.chat); }
  if (issues !== lastIssues) {
    const first = !lastIssues;
    lastIssues = issues; drawIssues(state.issues);
    if (first && location.hash) showIssue(decodeURIComponent(location.hash.slice(1)));
  }
  if (focused) { const f = $(`[data-draft="${focused}"]`); if (f && f !== document.activeElement) f.focus(); }
  drawTimeline(state.timeline);
  drawOutbox(state.outbox);
  $("#dups").textContent = state.duplicates.length ? "Дубли: " + state.duplicates.join("; ") : "Дублей нет";
  $("#dups").classList.toggle("bad", state.duplicates.length > 0);
  for (const [name, on] of Object.entries(state.switches)) { const box = $("#sw-" + name); if (box) box.checked = on; }
}

document.addEventListener("click", e => {
  const link = e.target.closest && e.target.closest("a[href]");
  if (link && link.href.startsWith(TRACKER) && showIssue(decodeURIComponent(link.href.slice(TRACKER.length)))) e.preventDefault();
});
document.querySelectorAll("#tabs button").forEach(b => b.addEventListener("click", () => tab(b.dataset.tab)));
document.querySelectorAll("[data-switch]").forEach(box =>
  box.addEventListener("change", () => act("switch", {name: box.dataset.switch, on: box.checked})));
$("#write").addEventListener("submit", e => { e.preventDefault(); send("write", "write", {}); });
$("#write-text").dataset.draft = "write";
$("#write-text").value = drafts.write || "";
$("#write-text").addEventListener("input", e => { drafts.write = e.target.value; keep(); });
setInterval(poll, 700);
poll();
