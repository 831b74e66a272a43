"use strict";
// The review page's only script: allowed by its hash in the Content Security Policy. It reads the facts from the
// JSON block and writes them with textContent only (never as HTML), so no text of a result can become markup.
(() => {
  const ITEMS = JSON.parse(document.getElementById("items").textContent);
  const panel = document.getElementById("details");
  const body = document.getElementById("details-body");
  const heading = document.getElementById("details-title");
  const places = new Map(); // fact id -> its box on a page, or its first highlight in the text
  for (const el of document.querySelectorAll("[data-items]")) {
    for (const id of el.dataset.items.split(" ")) if (!places.has(id)) places.set(id, el);
  }
  const idsOf = (el) => el.dataset.items.split(" ").filter((id) => Object.hasOwn(ITEMS, id));

  function node(tag, cls, text) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function mark(ids, place) {
    for (const el of document.querySelectorAll(".on")) el.classList.remove("on");
    if (place) place.classList.add("on");
    for (const id of ids) document.getElementById("row-" + id)?.classList.add("on");
  }

  function fact(id, f, chosen, quote) {
    const section = node("section", "fact k-" + f.kind + (id === chosen ? " chosen" : ""));
    section.append(node("h3", null, f.label + (f.title ? ": " + f.title : "")));
    const list = node("dl");
    const passage = quote && f.evidence ? [["Evidence", f.evidence]] : [];
    if (quote && f.raw) passage.push(["As read", f.raw]);
    const fields = [...passage, ...f.fields];
    for (const [label, value] of fields) list.append(node("dt", null, label), node("dd", null, value));
    section.append(list);
    return section;
  }

  // The details panel: the passage once, then each fact of the box with its labelled fields.
  function show(ids, chosen) {
    const facts = ids.map((id) => [id, ITEMS[id]]);
    if (!facts.length) return;
    const first = facts[0][1];
    const shared = new Set(facts.map(([, f]) => f.evidence)).size === 1;
    const where = first.page ? "Page " + first.page + " · " : "";
    heading.textContent = where + (facts.length > 1 ? facts.length + " facts from this passage" : first.label);
    const parts = [];
    if (shared && first.evidence) parts.push(node("blockquote", null, first.evidence));
    if (shared && first.raw) parts.push(node("p", "raw", "As read: " + first.raw));
    for (const [id, f] of facts) parts.push(fact(id, f, chosen, !shared));
    body.replaceChildren(...parts);
    panel.hidden = false;
    body.querySelector(".chosen")?.scrollIntoView({ block: "nearest" });
  }

  function fromPlace(place) {
    const ids = idsOf(place);
    mark(ids, place);
    show(ids, null); // first: the panel takes room from the tables, and the row must stay in sight
    if (ids.length) document.getElementById("row-" + ids[0])?.scrollIntoView({ block: "nearest" });
  }

  // A row: scroll its box into the middle of the pages, flash it, and show its fact among those of its box.
  function fromRow(row) {
    const id = row.dataset.item;
    const place = places.get(id);
    const ids = place ? idsOf(place) : [id];
    mark(ids, place);
    if (place) {
      place.scrollIntoView({ block: "center", behavior: "instant" });
      place.classList.remove("flash");
      void place.offsetWidth;
      place.classList.add("flash");
    }
    show(ids, id);
    row.scrollIntoView({ block: "nearest" });
  }

  function act(target) {
    if (target.closest("#close")) panel.hidden = true;
    if (target.closest("#details")) return;
    const place = target.closest("[data-items]");
    const row = target.closest("tr[data-item]");
    const finding = target.closest("tr[data-page]");
    if (place) fromPlace(place);
    else if (row) fromRow(row);
    else if (finding) document.getElementById("page-" + finding.dataset.page)?.scrollIntoView({ block: "start" });
  }

  document.addEventListener("click", (ev) => {
    if (ev.target instanceof Element) act(ev.target);
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") panel.hidden = true;
    else if (ev.key === "Enter" && ev.target instanceof Element && ev.target.matches("tr[tabindex]")) act(ev.target);
  });
})();
