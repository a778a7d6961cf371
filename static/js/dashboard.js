// Dashboard: worker cards, service connections, manual sync, active downloads, activity feed (SPEC §10.1).
import { FEED_GROUPS, feedEntry, itemKey } from "./activity-feed.js";
import { get, post, showError } from "./api.js";
import { busy, empty, fill, h } from "./dom.js";
import {
  ACTIVE,
  actionButton,
  cancelDownload,
  retryDownload,
  statusBadge,
} from "./downloads-shared.js";
import { age, basename, formatPercent, readJson, relative, t, titleCase } from "./format.js";
import { every, pollMs } from "./poll.js";
import { toast } from "./toast.js";

const initial = readJson("initial-data") || {};
const $ = (id) => document.getElementById(id);

// Worker cards and service connections (GET /status every 10 s)

const WORKER_STATES = { running: ["green", "Running"], stopped: ["red", "Stopped"], stale: ["amber", "Stale"] };
const SERVICES = [
  ["spotify", "Spotify"],
  ["plex", "Plex"],
  ["soulseek", "Soulseek"],
];

function queueText(queue) {
  if (queue === null || queue === undefined) return "n/a";
  if (typeof queue === "object") return `scheduled: ${queue.scheduled ?? 0} • running: ${queue.running ?? 0}`;
  return String(queue);
}

function workerCard(name, worker) {
  const [colour, label] = WORKER_STATES[worker?.status] || ["grey", "Unknown"];
  return h(
    "article",
    { class: "worker-card", dataset: { worker: name, status: worker?.status || "unknown" } },
    h("h3", {}, titleCase(name)),
    h("p", { class: `worker-status status-${colour}` }, h("span", { class: "dot", "aria-hidden": "true" }), t(label)),
    h("p", {}, h("span", { class: "label" }, t("Queue:")), " ", queueText(worker?.queue_size)),
    h("p", {}, h("span", { class: "label" }, t("Last seen:")), " ", age(worker?.last_seen) ?? t("No data")),
  );
}

function renderStatus(status) {
  const workers = status?.workers;
  busy($("worker-cards"), false);
  if (workers && typeof workers === "object" && Object.keys(workers).length) {
    fill($("worker-cards"), Object.entries(workers).map(([name, worker]) => workerCard(name, worker)));
  } else {
    fill($("worker-cards"), empty(t("No worker information available")));
  }
  const connections = status?.connections;
  busy($("connections"), false);
  const known = SERVICES.filter(([key]) => connections && key in connections);
  if (!known.length) {
    fill($("connections"), empty(t("No connection information available")));
  } else {
    const failing = known.some(([key]) => connections[key] !== "ok");
    fill(
      $("connections"),
      h(
        "dl",
        { class: "connection-list" },
        known.map(([key, label]) => [
          h("dt", {}, label),
          h(
            "dd",
            { class: connections[key] === "ok" ? "ok" : "fail", dataset: { service: key } },
            connections[key] === "ok" ? `✅ ${t("Connected")}` : `❌ ${t("Error")}`,
          ),
        ]),
      ),
      failing ? h("p", { class: "hint" }, h("a", { href: "/ui/settings" }, t("Enter credentials in Settings"))) : null,
    );
  }
  // Beyond the user's document: the shared Soulseek search budget (`search_queue` of /status).
  const queue = status?.search_queue;
  if (queue && typeof queue === "object") {
    $("search-budget").hidden = false;
    const used = { used: queue.window_used ?? 0, budget: queue.budget ?? "?" };
    const load = { waiting: queue.waiting ?? 0, running: queue.running ?? 0 };
    const finish = queue.estimated_finish && t("Queue empty {when}", { when: relative(queue.estimated_finish) });
    fill(
      $("search-budget-body"),
      h("span", { class: "pill" }, t("Searches in the window: {used} of {budget}", used)),
      h("span", { class: "pill" }, t("Waiting: {waiting} • running: {running}", load)),
      finish ? h("span", { class: "pill" }, finish) : null,
    );
  }
}

let statusFailing = false;
async function loadStatus() {
  const result = await get("/status");
  if (!result.ok) {
    if (!statusFailing) showError(result, t("Status unavailable"));
    statusFailing = true;
    busy($("worker-cards"), false);
    busy($("connections"), false);
    fill($("worker-cards"), empty(t("No worker information available"), "error-state"));
    fill($("connections"), empty(t("No connection information available")));
    return;
  }
  statusFailing = false;
  renderStatus(result.data);
}

// Manual sync (POST /api/sync)

const syncButton = $("sync-button");
syncButton.addEventListener("click", async () => {
  syncButton.disabled = true;
  syncButton.setAttribute("aria-busy", "true");
  try {
    const result = await post("/api/sync");
    if (result.ok) {
      toast({ kind: "success", title: `✅ ${t("Sync started")}` });
    } else if (result.status === 409) {
      toast({ kind: "warning", title: t("Sync already running") });
    } else {
      showError(result, result.status === 503 ? t("Sync blocked") : t("Sync could not be started"));
    }
  } finally {
    syncButton.disabled = false;
    syncButton.removeAttribute("aria-busy");
  }
  statusPoll.now();
  feedPoll.now();
});

// Active downloads widget (GET /api/downloads?limit=6 every 15 s)

function downloadRow(download, action) {
  return h(
    "tr",
    { dataset: { id: download.id } },
    h("td", { class: "filename", title: download.filename }, basename(download.filename)),
    h("td", {}, statusBadge(download.status)),
    h("td", { class: "num" }, String(download.priority ?? 0)),
    h("td", { class: "num" }, formatPercent(download.progress)),
    h("td", { class: "actions" }, action),
  );
}

function downloadTable(caption, rows) {
  return h(
    "table",
    { class: "table compact" },
    h("caption", { class: "visually-hidden" }, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        [t("File name"), t("Status"), t("Priority"), t("Progress"), t("Actions")].map((label) =>
          h("th", { scope: "col" }, label),
        ),
      ),
    ),
    h("tbody", {}, rows),
  );
}

let downloadsFailing = false;
function renderDownloads(active, failed) {
  busy($("active-downloads"), false);
  if (!active) {
    fill($("active-downloads"), empty(t("Downloads are currently unavailable"), "error-state"));
    $("downloads-more").hidden = true;
  } else {
    const rows = active.slice(0, 5).map((download) =>
      downloadRow(
        download,
        ACTIVE.has(download.status)
          ? actionButton(t("Cancel"), t("Cancel {name}", { name: basename(download.filename) }), async () => {
              if (await cancelDownload(download)) downloadsPoll.now();
            })
          : null,
      ),
    );
    fill($("active-downloads"), rows.length ? downloadTable(t("Active downloads"), rows) : empty(t("No active downloads")));
    $("downloads-more").hidden = active.length < 6;
  }
  const failedRows = (failed || []).slice(0, 3).map((download) =>
    downloadRow(
      download,
      actionButton(t("Restart"), t("Restart {name}", { name: basename(download.filename) }), async () => {
        if (await retryDownload(download)) downloadsPoll.now();
      }),
    ),
  );
  $("failed-section").hidden = failedRows.length === 0;
  fill($("failed-downloads"), failedRows.length ? downloadTable(t("Recent failures"), failedRows) : null);
}

async function loadDownloads() {
  const [active, failed] = await Promise.all([
    get("/api/downloads?limit=6"),
    get("/api/downloads?status=failed&limit=3"),
  ]);
  if (!active.ok) {
    if (!downloadsFailing) showError(active, t("Downloads are currently unavailable"));
    downloadsFailing = true;
    renderDownloads(null, null);
    return;
  }
  downloadsFailing = false;
  renderDownloads(active.data?.downloads || [], failed.ok ? failed.data?.downloads || [] : []);
}

// Activity feed (GET /api/activity?limit=50 every 10 s, client-side type filter)

const feed = $("activity-feed");
const feedFilter = $("feed-filter");
const expanded = new Set();
let feedItems = Array.isArray(initial.activity?.items) ? initial.activity.items : null;
let feedFailing = false;
let emptyToastShown = false;

function renderFeed() {
  busy(feed, false);
  if (feedFailing) {
    fill(feed, h("li", { class: "empty error-state" }, t("The activity feed is currently unavailable")));
    return;
  }
  if (feedItems === null) return;
  if (!feedItems.length) {
    fill(feed, h("li", { class: "empty" }, t("No activities yet")));
    if (!emptyToastShown) {
      emptyToastShown = true;
      toast({ kind: "info", title: t("No activities yet") });
    }
    return;
  }
  const group = FEED_GROUPS[feedFilter.value];
  const visible = group ? feedItems.filter((item) => group.includes(item.type)) : feedItems;
  fill(
    feed,
    visible.length
      ? visible.map((item) => feedEntry(item, expanded.has(itemKey(item))))
      : h("li", { class: "empty" }, t("No activities of this type")),
  );
}

async function loadFeed() {
  const result = await get("/api/activity?limit=50");
  if (!result.ok || !Array.isArray(result.data?.items)) {
    if (!feedFailing) showError(result, t("The activity feed is currently unavailable"));
    feedFailing = true;
    renderFeed();
    return;
  }
  feedFailing = false;
  feedItems = result.data.items;
  renderFeed();
}

// `toggle` does not bubble; a capturing listener still sees it.
feed.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (details.tagName !== "DETAILS") return;
    if (details.open) expanded.add(details.dataset.key);
    else expanded.delete(details.dataset.key);
  },
  true,
);
feedFilter.addEventListener("change", renderFeed);

// Start: render the server's first data, then poll.

if (initial.status) renderStatus(initial.status);
if (initial.downloads) renderDownloads(initial.downloads.downloads || [], initial.failed?.downloads || []);
renderFeed();

const statusPoll = every(pollMs("pollStatus", 10000), loadStatus, { immediate: !initial.status });
const downloadsPoll = every(pollMs("pollDownloads", 15000), loadDownloads, { immediate: !initial.downloads });
const feedPoll = every(pollMs("pollActivity", 10000), loadFeed, { immediate: feedItems === null });
