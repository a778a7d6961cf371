// Rendering of activity events: localised types, colour-coded badges, expandable details (SPEC §10.1).
import { h } from "./dom.js";
import { formatDateTime, t } from "./format.js";

export const TYPE_LABELS = {
  sync: "Synchronization",
  autosync: "AutoSync",
  search: "Search",
  download: "Download",
  metadata: "Metadata",
  matching: "Matching",
  worker: "Worker",
  watchlist: "Watchlist",
};

/** The dropdown groups of the feed filter (client-side). */
export const FEED_GROUPS = {
  all: null,
  sync: ["sync", "autosync"],
  download: ["download"],
  metadata: ["metadata", "matching"],
  worker: ["worker"],
};

const WORKER_ICONS = { started: "▶️", stopped: "⏹", stale: "⚠️", restarted: "🔄" };

/** Badge colour of a status: green, amber, red, blue or grey. */
export function badgeColour(status) {
  const s = String(status || "");
  if (s === "started" || s === "completed" || s === "track_imported" || s.endsWith("_completed")) return "green";
  if (s === "partial" || s === "queued" || s === "stale" || s.endsWith("_partial") || s.endsWith("_skipped")) {
    return "amber";
  }
  if (s === "failed" || /_(failed|blocked|error)$/.test(s)) return "red";
  if (s === "running" || s === "restarted" || s.endsWith("_started")) return "blue";
  return "grey";
}

export function typeLabel(type) {
  return TYPE_LABELS[type] ? t(TYPE_LABELS[type]) : type;
}

export function badge(status) {
  return h("span", { class: `badge badge-${badgeColour(status)}` }, status);
}

function row(label, value) {
  return [h("dt", {}, label), h("dd", {}, value)];
}

function errorLine(entry) {
  if (entry && typeof entry === "object") {
    const source = entry.source ? `${entry.source}: ` : "";
    return source + (entry.message ?? JSON.stringify(entry));
  }
  return String(entry);
}

function pairs(object) {
  return Object.entries(object)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" · ");
}

/** The red error block: the first three errors, the full list as tooltip. */
function errorBlock(errors) {
  const lines = errors.map(errorLine);
  const shown = lines.slice(0, 3);
  return h(
    "div",
    { class: "error-block", title: lines.join("\n") },
    h("p", { class: "error-title" }, t("Errors ({count})", { count: lines.length })),
    h("ul", {}, shown.map((line) => h("li", {}, line))),
    lines.length > shown.length ? h("p", {}, t("+{count} more", { count: lines.length - shown.length })) : null,
  );
}

function workerDetails(details) {
  const items = [];
  if (details.worker) items.push(...row(t("Worker"), details.worker));
  if (details.timestamp) items.push(...row(t("Event time"), formatDateTime(details.timestamp)));
  if (details.previous_status) items.push(...row(t("Previous status"), details.previous_status));
  if (details.reason) items.push(...row(t("Reason"), details.reason));
  if (details.last_seen) items.push(...row(t("Last heartbeat"), formatDateTime(details.last_seen)));
  if (details.elapsed_seconds !== undefined) items.push(...row(t("Elapsed"), `${details.elapsed_seconds} s`));
  if (details.threshold_seconds !== undefined) items.push(...row(t("Threshold"), `${details.threshold_seconds} s`));
  return items.length ? h("dl", { class: "detail-list" }, items) : null;
}

/** The body of the expandable details of one event. */
export function detailsBody(item) {
  const details = item.details && typeof item.details === "object" ? item.details : {};
  const parts = [];
  if (item.type === "worker") parts.push(workerDetails(details));
  const known = [];
  if (Array.isArray(details.sources) && details.sources.length) {
    known.push(...row(t("Sources"), details.sources.join(", ")));
  }
  if (details.counters && typeof details.counters === "object") known.push(...row(t("Counters"), pairs(details.counters)));
  if (details.matches && typeof details.matches === "object") known.push(...row(t("Matches"), pairs(details.matches)));
  if (known.length) parts.push(h("dl", { class: "detail-list" }, known));
  if (Array.isArray(details.errors) && details.errors.length) parts.push(errorBlock(details.errors));
  if (!parts.filter(Boolean).length) parts.push(h("pre", { class: "json" }, JSON.stringify(details, null, 2)));
  return parts;
}

/** A stable key of an event (the API has no ids), to keep expanded entries open across polls. */
export function itemKey(item) {
  return `${item.timestamp}|${item.type}|${item.status}|${JSON.stringify(item.details ?? {})}`;
}

/** One feed entry (`<li>`); `open` keeps its details expanded. */
export function feedEntry(item, open = false) {
  const details = item.details && typeof item.details === "object" ? item.details : {};
  const isWorker = item.type === "worker";
  const icon = isWorker ? WORKER_ICONS[item.status] : null;
  const hasErrors = Array.isArray(details.errors) && details.errors.length > 0;
  return h(
    "li",
    { class: `feed-item${hasErrors ? " has-errors" : ""}`, dataset: { type: item.type, status: item.status } },
    h(
      "div",
      { class: "feed-head" },
      icon ? h("span", { class: "feed-icon", "aria-hidden": "true" }, icon) : null,
      h("span", { class: "feed-type" }, typeLabel(item.type)),
      isWorker && details.worker ? h("span", { class: "feed-worker" }, details.worker) : null,
      badge(item.status),
      h("time", { datetime: item.timestamp, class: "feed-time" }, formatDateTime(item.timestamp)),
    ),
    h("details", { open, dataset: { key: itemKey(item) } }, h("summary", {}, t("Details")), detailsBody(item)),
  );
}
