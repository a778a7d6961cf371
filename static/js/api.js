// JSON API calls with the session: CSRF header on writes, 401 → login, error toasts (SPEC §10).
import { t } from "./format.js";
import { toast } from "./toast.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const SERVICE_NAMES = { spotify: "Spotify", plex: "Plex", soulseek: "Soulseek", beets: "beets" };

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/**
 * Call the API. Resolves to `{ok, status, data, response}`; never rejects. A network failure is
 * status 0. A 401 reloads the page (the login page takes over) and never resolves.
 */
export async function api(method, url, body) {
  const headers = { Accept: "application/json" };
  const options = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  if (!SAFE_METHODS.has(method)) headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(url, options);
  } catch {
    return { ok: false, status: 0, data: { detail: t("The server cannot be reached.") } };
  }
  if (response.status === 401) {
    window.location.reload();
    return new Promise(() => {});
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text.slice(0, 200) };
    }
  }
  return { ok: response.ok, status: response.status, data, response };
}

export const get = (url) => api("GET", url);
export const post = (url, body) => api("POST", url, body ?? {});
export const patch = (url, body) => api("PATCH", url, body);
export const del = (url) => api("DELETE", url);

/** `{spotify: ["A", "B"]}` → `["Spotify: A, B"]`. */
export function missingLines(missing) {
  return Object.entries(missing || {}).map(
    ([service, keys]) => `${SERVICE_NAMES[service] || service}: ${[].concat(keys).join(", ")}`,
  );
}

/** Flatten a 422 `detail` into `[[path, message], …]` (`files.0.filename`, `value`, …). */
export function fieldErrors(detail, prefix = "") {
  if (typeof detail === "string") return [[prefix, detail]];
  if (Array.isArray(detail)) {
    return detail.flatMap((item, index) =>
      typeof item === "string" ? [[prefix, item]] : fieldErrors(item, prefix ? `${prefix}.${index}` : String(index)),
    );
  }
  if (detail && typeof detail === "object") {
    return Object.entries(detail).flatMap(([key, value]) => fieldErrors(value, prefix ? `${prefix}.${key}` : key));
  }
  return [];
}

/** The human text of an error body (`detail` string, `detail.message`, or a status line). */
export function errorText(result) {
  const detail = result.data?.detail;
  if (typeof detail === "string" && detail) return detail;
  if (detail && typeof detail.message === "string") return detail.message;
  if (result.status === 404) return t("This function is not available (HTTP 404).");
  if (result.status === 0) return t("The server cannot be reached.");
  return t("Request failed (HTTP {status}).", { status: result.status });
}

/**
 * Show the standard toast for a failed call: 503 with `missing` → red toast naming the keys and
 * linking to Settings; 422 → field messages; 502 and others → the `detail`.
 */
export function showError(result, title = t("Action failed")) {
  const detail = result.data?.detail;
  if (result.status === 503 && detail && typeof detail === "object" && detail.missing) {
    return toast({
      kind: "error",
      title,
      body: [t("Missing settings:"), ...missingLines(detail.missing)],
      link: { href: "/ui/settings", text: t("Open settings") },
    });
  }
  if (result.status === 422 && detail && typeof detail === "object") {
    const lines = fieldErrors(detail).map(([field, message]) => (field ? `${field}: ${message}` : message));
    return toast({ kind: "error", title, body: lines });
  }
  return toast({ kind: "error", title, body: errorText(result) });
}

/**
 * Download an export with the session and save it under the server's attachment name
 * (`fallbackName` if the header is missing). Returns true on success.
 */
export async function saveExport(url, fallbackName) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
  } catch {
    showError({ status: 0, data: null }, t("Export failed"));
    return false;
  }
  if (response.status === 401) {
    window.location.reload();
    return false;
  }
  if (!response.ok) {
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    showError({ status: response.status, data }, t("Export failed"));
    return false;
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = disposition.match(/filename="?([^";]+)"?/);
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = match ? match[1] : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return true;
}
