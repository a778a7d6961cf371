// Downloads page: test download, filtered table with paging, priority, cancel/retry, export (SPEC §10.2).
import { errorText, fieldErrors, get, patch, post, saveExport, showError } from "./api.js";
import { busy, fill, h, messageRow, spinner } from "./dom.js";
import {
  ACTIVE,
  RETRYABLE,
  actionButton,
  cancelDownload,
  retryDownload,
  statusBadge,
} from "./downloads-shared.js";
import { basename, formatDateTime, formatPercent, isoDay, readJson, relative, t } from "./format.js";
import { every, pollMs } from "./poll.js";
import { toast } from "./toast.js";

const PAGE_SIZE = 20;
const COLUMNS = 7;
const $ = (id) => document.getElementById(id);
const initial = readJson("initial-data");

const state = { status: "", all: false, offset: 0, search: "", rows: [] };
const tbody = $("downloads-body");

function query() {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.offset) });
  if (state.status) params.set("status", state.status);
  else if (state.all) params.set("all", "true");
  return params.toString();
}

// Rendering

function retryNote(download) {
  if (download.status !== "failed") return null;
  const parts = [];
  if (download.next_retry_at) {
    parts.push(h("span", { class: "retry-note" }, t("Next attempt {when}", { when: relative(download.next_retry_at) })));
  } else if (download.dead_letter) {
    parts.push(h("span", { class: "retry-note" }, t("Retries exhausted")));
  }
  if (download.last_error) parts.push(h("span", { class: "last-error", title: download.last_error }, download.last_error));
  return parts;
}

function priorityInput(download) {
  const input = h("input", {
    type: "number",
    class: "priority-input",
    min: -1000,
    max: 1000,
    step: 1,
    value: download.priority ?? 0,
    "aria-label": t("Priority of {name}", { name: basename(download.filename) }),
    dataset: { id: download.id },
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      savePriority(input);
    } else if (event.key === "Escape") {
      input.value = input.defaultValue;
      input.blur();
    }
  });
  input.addEventListener("blur", () => savePriority(input));
  return input;
}

async function savePriority(input) {
  if (input.value === input.defaultValue || input.dataset.saving) return;
  const value = Number(input.value);
  if (!Number.isInteger(value) || value < -1000 || value > 1000) {
    toast({ kind: "error", title: t("Invalid priority"), body: t("Enter a whole number from -1000 to 1000.") });
    input.value = input.defaultValue;
    return;
  }
  input.dataset.saving = "1";
  const result = await patch(`/api/download/${encodeURIComponent(input.dataset.id)}/priority`, { priority: value });
  delete input.dataset.saving;
  if (result.ok) {
    input.defaultValue = String(result.data?.priority ?? value);
    toast({ kind: "success", title: t("Priority updated") });
    poll.now();
  } else {
    input.value = input.defaultValue;
    showError(result, t("Priority not updated"));
  }
}

function row(download) {
  const name = basename(download.filename);
  const actions = [];
  if (ACTIVE.has(download.status)) {
    actions.push(
      actionButton(t("Cancel"), t("Cancel {name}", { name }), async () => {
        if (await cancelDownload(download)) poll.now();
      }),
    );
  }
  if (RETRYABLE.has(download.status)) {
    actions.push(
      actionButton(t("Restart"), t("Restart {name}", { name }), async () => {
        if (await retryDownload(download)) poll.now();
      }),
    );
  }
  const progress = Math.min(100, Math.max(0, Number(download.progress) || 0));
  return h(
    "tr",
    { dataset: { id: download.id, status: download.status } },
    h(
      "td",
      { class: "filename" },
      h("span", { class: "name", title: download.filename }, name),
      h("span", { class: "muted small" }, t("ID {id}", { id: download.id })),
    ),
    h("td", { class: "username" }, download.username ?? ""),
    h("td", { class: "status-cell" }, statusBadge(download.status), retryNote(download)),
    h("td", {}, priorityInput(download)),
    h(
      "td",
      { class: "progress-cell" },
      h("progress", { max: 100, value: progress, "aria-label": t("Progress of {name}", { name }) }),
      h("span", { class: "num" }, formatPercent(progress)),
    ),
    h("td", { class: "nowrap" }, h("time", { datetime: download.created_at }, formatDateTime(download.created_at))),
    h("td", { class: "actions" }, actions),
  );
}

function matchesSearch(download) {
  if (!state.search) return true;
  const needle = state.search.toLocaleLowerCase();
  return `${download.filename ?? ""} ${download.username ?? ""}`.toLocaleLowerCase().includes(needle);
}

function render() {
  busy(tbody, false);
  const visible = state.rows.filter(matchesSearch);
  if (!state.rows.length) {
    fill(tbody, messageRow(COLUMNS, h("span", { class: "empty" }, t("No active downloads"))));
  } else if (!visible.length) {
    fill(tbody, messageRow(COLUMNS, h("span", { class: "empty" }, t("No downloads match the search"))));
  } else {
    fill(tbody, visible.map(row));
  }
  $("page-info").textContent = t("Page {page}", { page: Math.floor(state.offset / PAGE_SIZE) + 1 });
  $("prev-page").disabled = state.offset === 0;
  $("next-page").disabled = state.rows.length < PAGE_SIZE;
  $("toggle-all").textContent = state.all ? t("Active only") : t("Show all");
  $("toggle-all").setAttribute("aria-pressed", state.all ? "true" : "false");
  $("toggle-all").disabled = Boolean(state.status);
}

// Loading

let loadFailing = false;
async function load({ spin = false } = {}) {
  // Never re-render under the operator's cursor: a priority edit in progress wins.
  if (document.activeElement?.classList.contains("priority-input")) return;
  if (spin) {
    busy(tbody, true);
    fill(tbody, messageRow(COLUMNS, spinner()));
  }
  const result = await get(`/api/downloads?${query()}`);
  if (!result.ok || !Array.isArray(result.data?.downloads)) {
    if (!loadFailing || spin) showError(result, t("Downloads could not be loaded"));
    loadFailing = true;
    busy(tbody, false);
    fill(tbody, messageRow(COLUMNS, h("span", { class: "empty error-state" }, t("Downloads could not be loaded"))));
    return;
  }
  loadFailing = false;
  state.rows = result.data.downloads;
  render();
}

const poll = every(pollMs("pollDownloads", 15000), load, { immediate: !initial });

// Controls

$("status-filter").addEventListener("change", (event) => {
  state.status = event.target.value;
  state.offset = 0;
  load({ spin: true });
});
$("toggle-all").addEventListener("click", () => {
  state.all = !state.all;
  state.offset = 0;
  load({ spin: true });
});
$("search").addEventListener("input", (event) => {
  state.search = event.target.value.trim();
  render();
});
$("prev-page").addEventListener("click", () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  load({ spin: true });
});
$("next-page").addEventListener("click", () => {
  state.offset += PAGE_SIZE;
  load({ spin: true });
});
$("refresh").addEventListener("click", () => load({ spin: true }));

$("retry-failed").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  const failed = state.rows.filter((download) => download.status === "failed");
  if (!failed.length) {
    toast({ kind: "info", title: t("No failed downloads in the current view") });
    return;
  }
  button.disabled = true;
  let ok = 0;
  let failures = 0;
  const reasons = [];
  for (const download of failed) {
    // One after another: parallel retries would hammer slskd (and it rejects concurrent enqueues).
    const result = await post(`/api/download/${encodeURIComponent(download.id)}/retry`);
    if (result.ok) ok += 1;
    else {
      failures += 1;
      reasons.push(`${basename(download.filename)}: ${errorText(result)}`);
    }
  }
  button.disabled = false;
  toast({
    kind: failures ? (ok ? "warning" : "error") : "success",
    title: t("Restarted: {ok}, failed: {failed}", { ok, failed: failures }),
    body: reasons.slice(0, 5),
  });
  poll.now();
});

for (const format of ["json", "csv"]) {
  $(`export-${format}`).addEventListener("click", async (event) => {
    const button = event.currentTarget;
    const params = new URLSearchParams({ format });
    if (state.status) params.set("status", state.status);
    button.disabled = true;
    await saveExport(`/api/downloads/export?${params}`, `downloads_${isoDay()}.${format}`);
    button.disabled = false;
  });
}

// Test download form (POST /api/download)

const form = $("test-download");
const FIELD_INPUTS = { username: "td-username", filename: "td-filename", size: "td-size" };

function setFieldError(field, message) {
  const input = $(FIELD_INPUTS[field]);
  const slot = $(`${FIELD_INPUTS[field]}-error`);
  if (!input || !slot) return false;
  input.setAttribute("aria-invalid", message ? "true" : "false");
  slot.textContent = message || "";
  slot.hidden = !message;
  return true;
}

function clearFieldErrors() {
  for (const field of Object.keys(FIELD_INPUTS)) setFieldError(field, "");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearFieldErrors();
  const username = $("td-username").value.trim();
  const filename = $("td-filename").value.trim();
  const sizeText = $("td-size").value.trim();
  const sizeOk = !sizeText || (Number.isInteger(Number(sizeText)) && Number(sizeText) >= 0);
  if (!username) setFieldError("username", t("Please enter the Soulseek user."));
  if (!filename) setFieldError("filename", t("Please enter the file path."));
  if (!sizeOk) setFieldError("size", t("Size must be a whole number of bytes."));
  const invalid = !username || !filename || !sizeOk;
  if (invalid) {
    form.querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  const file = { filename };
  if (sizeText) file.size = Number(sizeText);
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  const result = await post("/api/download", { username, files: [file] });
  submit.disabled = false;
  if (result.ok) {
    toast({ kind: "success", title: t("Download started: {name}", { name: basename(filename) }) });
    form.reset();
    poll.now();
    return;
  }
  if (result.status === 422 && result.data?.detail && typeof result.data.detail === "object") {
    for (const [path, message] of fieldErrors(result.data.detail)) {
      const field = path.split(".").pop();
      if (!setFieldError(field, message)) setFieldError(path.startsWith("files") ? "filename" : "username", message);
    }
  }
  showError(result, result.status === 503 ? t("Download blocked") : t("Download not started"));
});

// Start: the server rendered the first page.

if (initial && Array.isArray(initial.downloads)) {
  state.rows = initial.downloads;
  render();
}
