// Tiny DOM helpers: build elements safely (text, never HTML), tabs, spinners, empty states.
import { t } from "./format.js";

/**
 * Create an element. `attrs` keys: `class`, `text`, `dataset` (object), `on` (events),
 * boolean attributes (true/false), anything else as an attribute. Children: nodes or strings.
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "on") {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    } else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replace all children of `target`. */
export function fill(target, ...children) {
  target.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

/** A loading line with a spinner (announced politely). */
export function spinner(label = t("Loading …")) {
  return h("p", { class: "loading", role: "status" }, h("span", { class: "spinner", "aria-hidden": "true" }), label);
}

/** A muted empty-state line. */
export function empty(text, extraClass = "") {
  return h("p", { class: `empty ${extraClass}`.trim() }, text);
}

/** A table row that spans all columns with one message (empty/error/loading). */
export function messageRow(columns, content) {
  return h("tr", { class: "message-row" }, h("td", { colspan: columns }, content));
}

/** Mark a region busy while it loads (screen readers wait for the result). */
export function busy(element, isBusy) {
  element.setAttribute("aria-busy", isBusy ? "true" : "false");
}

/**
 * WAI-ARIA tabs: `[role=tab]` buttons inside `tablist`; arrow keys, Home and End move; `onSelect`
 * receives the selected tab. Returns `select(tab)` for programmatic selection.
 */
export function setupTabs(tablist, onSelect) {
  const tabs = () => Array.from(tablist.querySelectorAll('[role="tab"]'));
  function select(tab, focus = false) {
    for (const other of tabs()) {
      const selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      const panelId = other.getAttribute("aria-controls");
      const panel = panelId && document.getElementById(panelId);
      if (panel && tablist.dataset.panels !== "shared") panel.hidden = !selected;
    }
    if (focus) tab.focus();
    onSelect?.(tab);
  }
  tablist.addEventListener("click", (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab && tablist.contains(tab)) select(tab);
  });
  tablist.addEventListener("keydown", (event) => {
    const list = tabs();
    const index = list.indexOf(document.activeElement);
    if (index < 0) return;
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: list.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = list[(moves[event.key] + list.length) % list.length];
    select(next, true);
  });
  return select;
}
