// Settings page: per-service forms, connection tests, Spotify connection, change history (SPEC §10.4).
import { errorText, fieldErrors, get, post, showError } from "./api.js";
import { busy, fill, h, messageRow, setupTabs } from "./dom.js";
import { formatDateTime, readJson, t } from "./format.js";
import { toast } from "./toast.js";

const $ = (id) => document.getElementById(id);
const main = $("main");
const initial = readJson("initial-data") || {};

setupTabs($("settings-tabs"));

// Saving: one POST /settings per changed key

function initialValue(control) {
  if (control.tagName === "SELECT") {
    const option = Array.from(control.options).find((o) => o.defaultSelected);
    return option ? option.value : control.options[0]?.value ?? "";
  }
  return control.defaultValue;
}

function changed(control) {
  if (control.dataset.secret) return control.value !== "";
  return control.value !== initialValue(control);
}

function setError(control, message) {
  const slot = $(`${control.id}-error`);
  control.setAttribute("aria-invalid", message ? "true" : "false");
  if (slot) {
    slot.textContent = message || "";
    slot.hidden = !message;
  }
}

function accept(control, settings) {
  if (control.dataset.secret) {
    control.value = "";
    const masked = settings?.[control.dataset.key];
    control.placeholder = masked || t("Not set");
  } else if (control.tagName === "SELECT") {
    for (const option of control.options) option.defaultSelected = option.selected;
  } else {
    // A cleared field falls back to the environment or default value: show what now applies.
    const effective = settings?.[control.dataset.key];
    if (effective !== undefined) control.value = effective ?? "";
    control.defaultValue = control.value;
  }
}

for (const form of document.querySelectorAll(".settings-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const service = form.dataset.label;
    const controls = Array.from(form.querySelectorAll("[data-key]"));
    controls.forEach((control) => setError(control, ""));
    const pending = controls.filter(changed);
    if (!pending.length) {
      toast({ kind: "info", title: t("No changes to save") });
      return;
    }
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    const failures = [];
    for (const control of pending) {
      const text = control.value.trim();
      const value = text === "" ? null : text;
      const result = await post("/settings", { key: control.dataset.key, value });
      if (result.ok) {
        accept(control, result.data?.settings);
        continue;
      }
      if (result.status === 422 && result.data?.detail && typeof result.data.detail === "object") {
        const message = fieldErrors(result.data.detail)
          .map(([, text]) => text)
          .join(" ");
        setError(control, message);
        failures.push(`${control.dataset.label}: ${message}`);
      } else {
        failures.push(`${control.dataset.label}: ${errorText(result)}`);
        if (result.status === 0 || result.status >= 500) break;
      }
    }
    submit.disabled = false;
    if (failures.length) {
      toast({ kind: "error", title: t("{service} settings not saved", { service }), body: failures });
      form.querySelector('[aria-invalid="true"]')?.focus();
    } else {
      toast({ kind: "success", title: t("{service} settings saved", { service }) });
    }
    loadHistory();
  });
}

// Connection tests (GET /api/health/<service>)

for (const button of document.querySelectorAll("[data-health]")) {
  button.addEventListener("click", async () => {
    const service = button.dataset.label;
    button.disabled = true;
    const result = await get(`/api/health/${encodeURIComponent(button.dataset.health)}`);
    button.disabled = false;
    if (!result.ok) {
      showError(result, t("❌ {service} connection failed", { service }));
      return;
    }
    const optional = result.data?.optional_missing || [];
    if (result.data?.status === "ok") {
      toast({
        kind: "success",
        title: t("✅ {service} connection successful", { service }),
        body: optional.length ? t("Optional: {keys}", { keys: optional.join(", ") }) : undefined,
      });
    } else {
      toast({
        kind: "error",
        title: t("❌ {service} connection failed — missing values: {keys}", {
          service,
          keys: (result.data?.missing || []).join(", "),
        }),
      });
    }
  });
}

// Spotify connection status (GET /spotify/status)

async function loadSpotifyStatus() {
  const target = $("spotify-status");
  const result = await get("/spotify/status");
  busy(target, false);
  const data = result.data || {};
  let text;
  let kind = "fail";
  if (!result.ok) text = t("Status unavailable: {reason}", { reason: errorText(result) });
  else if (data.status === "connected") {
    kind = "ok";
    text = t("Connected as {name}", { name: data.user?.display_name || data.user?.id || "?" });
  } else if (data.status === "unauthenticated") text = t("Not authorised yet: connect your Spotify account.");
  else if (data.status === "unconfigured") {
    text = t("Not configured (missing: {keys})", { keys: (data.missing || []).join(", ") });
  } else text = t("Not reachable: {reason}", { reason: data.error || data.status || "?" });
  target.dataset.state = kind;
  target.textContent = `${kind === "ok" ? "✅" : "❌"} ${text}`;
}

// Change history (GET /settings/history)

function renderHistory(entries) {
  const body = $("history-body");
  busy(body, false);
  fill(
    body,
    entries.length
      ? entries.map((entry) =>
          h(
            "tr",
            {},
            h("td", {}, h("code", {}, entry.key)),
            h("td", { class: "value" }, entry.old_value ?? "–"),
            h("td", { class: "value" }, entry.new_value ?? "–"),
            h("td", { class: "nowrap" }, formatDateTime(entry.changed_at)),
          ),
        )
      : messageRow(4, h("span", { class: "empty" }, t("No changes yet"))),
  );
}

async function loadHistory() {
  const result = await get("/settings/history");
  if (!result.ok || !Array.isArray(result.data?.history)) {
    fill($("history-body"), messageRow(4, h("span", { class: "empty error-state" }, t("History unavailable"))));
    return;
  }
  renderHistory(result.data.history);
}

// Start

const outcome = main.dataset.spotifyResult;
if (outcome === "connected") toast({ kind: "success", title: t("Spotify connected") });
else if (outcome === "error") toast({ kind: "error", title: t("Spotify connection failed") });

if (Array.isArray(initial.history)) renderHistory(initial.history);
else loadHistory();
loadSpotifyStatus();
