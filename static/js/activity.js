// Activity History: server-side filters, 50 per page, expandable details, export (SPEC §10.5).
import { get, saveExport, showError } from "./api.js";
import { busy, fill, h, messageRow, spinner } from "./dom.js";
import { formatDateTime, isoDay, readJson, t } from "./format.js";

const PAGE_SIZE = 50;
const COLUMNS = 4;
const $ = (id) => document.getElementById(id);
const tbody = $("activity-body");
const initial = readJson("initial-data");

const state = {
  type: $("filter-type").value,
  status: $("filter-status").value,
  page: initial?.page || Math.max(1, Number(new URLSearchParams(window.location.search).get("page")) || 1),
  total: 0,
};

function filters() {
  const params = new URLSearchParams();
  if (state.type) params.set("type", state.type);
  if (state.status) params.set("status", state.status);
  return params;
}

function pages() {
  return Math.max(1, Math.ceil(state.total / PAGE_SIZE));
}

function detailsCell(details) {
  const compact = JSON.stringify(details ?? {});
  if (compact.length <= 80) return h("code", { class: "json-compact" }, compact);
  return h(
    "details",
    { class: "json-details" },
    h("summary", {}, h("code", { class: "json-compact" }, `${compact.slice(0, 77)}…`)),
    h("pre", { class: "json" }, JSON.stringify(details, null, 2)),
  );
}

function render(items) {
  busy(tbody, false);
  fill(
    tbody,
    items.length
      ? items.map((item) =>
          h(
            "tr",
            { dataset: { type: item.type, status: item.status } },
            h("td", { class: "nowrap" }, h("time", { datetime: item.timestamp }, formatDateTime(item.timestamp))),
            h("td", {}, item.type),
            h("td", {}, item.status),
            h("td", { class: "details-cell" }, detailsCell(item.details)),
          ),
        )
      : messageRow(COLUMNS, h("span", { class: "empty" }, t("No activities for these filters"))),
  );
  $("page-info").textContent = t("Page {page} of {pages}", { page: state.page, pages: pages() });
  $("prev-page").disabled = state.page <= 1;
  $("next-page").disabled = state.page >= pages();
}

/** Keep the filters in the address bar so a reload shows the same view. */
function remember() {
  const params = filters();
  if (state.page > 1) params.set("page", String(state.page));
  const search = params.toString();
  window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
}

async function load() {
  busy(tbody, true);
  fill(tbody, messageRow(COLUMNS, spinner()));
  const params = filters();
  params.set("limit", String(PAGE_SIZE));
  params.set("offset", String((state.page - 1) * PAGE_SIZE));
  const result = await get(`/api/activity?${params}`);
  if (!result.ok || !Array.isArray(result.data?.items)) {
    busy(tbody, false);
    const message = h("span", { class: "empty error-state" }, t("The activity history could not be loaded"));
    fill(tbody, messageRow(COLUMNS, message));
    showError(result, t("The activity history could not be loaded"));
    return;
  }
  state.total = Number(result.data.total_count) || 0;
  if (state.page > pages()) {
    // The history shrank under us (or an old link): show the last page instead.
    state.page = pages();
    return load();
  }
  render(result.data.items);
  remember();
}

for (const id of ["filter-type", "filter-status"]) {
  $(id).addEventListener("change", () => {
    state.type = $("filter-type").value;
    state.status = $("filter-status").value;
    state.page = 1;
    load();
  });
}
$("prev-page").addEventListener("click", () => {
  state.page = Math.max(1, state.page - 1);
  load();
});
$("next-page").addEventListener("click", () => {
  state.page = Math.min(pages(), state.page + 1);
  load();
});
$("refresh").addEventListener("click", load);

for (const format of ["json", "csv"]) {
  $(`export-${format}`).addEventListener("click", async (event) => {
    const button = event.currentTarget;
    const params = filters();
    params.set("format", format);
    button.disabled = true;
    await saveExport(`/api/activity/export?${params}`, `activity_history_${isoDay()}.${format}`);
    button.disabled = false;
  });
}

if (initial && Array.isArray(initial.items)) {
  state.total = Number(initial.total_count) || 0;
  render(initial.items);
} else {
  load();
}
