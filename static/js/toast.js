// Toast notifications in the `#toasts` area of the base layout.
import { h } from "./dom.js";
import { t } from "./format.js";

const DURATION = { success: 5000, info: 5000, warning: 8000, error: 10000 };

/**
 * Show a toast. `kind`: success | info | warning | error. `body`: string or list of lines.
 * `link`: {href, text}. Errors are announced assertively (role=alert), others politely.
 */
export function toast({ kind = "info", title, body, link, timeout } = {}) {
  const area = document.getElementById("toasts");
  if (!area) return null;
  const lines = Array.isArray(body) ? body : body ? [body] : [];
  const close = h("button", { type: "button", class: "toast-close", "aria-label": t("Close") }, "×");
  const element = h(
    "div",
    { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status", dataset: { kind } },
    h(
      "div",
      { class: "toast-content" },
      title ? h("p", { class: "toast-title" }, title) : null,
      lines.map((line) => h("p", { class: "toast-body" }, line)),
      link ? h("p", { class: "toast-link" }, h("a", { href: link.href }, link.text)) : null,
    ),
    close,
  );
  const remove = () => element.remove();
  close.addEventListener("click", remove);
  area.append(element);
  const duration = timeout ?? DURATION[kind] ?? 6000;
  if (duration > 0) {
    let timer = setTimeout(remove, duration);
    // Keep the toast while the pointer or keyboard focus is on it (time to read the link).
    element.addEventListener("mouseenter", () => clearTimeout(timer));
    element.addEventListener("focusin", () => clearTimeout(timer));
    element.addEventListener("mouseleave", () => {
      clearTimeout(timer);
      timer = setTimeout(remove, duration);
    });
  }
  return element;
}

export const success = (title, body) => toast({ kind: "success", title, body });
export const info = (title, body) => toast({ kind: "info", title, body });
export const warning = (title, body) => toast({ kind: "warning", title, body });
export const error = (title, body, link) => toast({ kind: "error", title, body, link });
