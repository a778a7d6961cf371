// Download status labels and the cancel/retry actions shared by the dashboard and the Downloads page.
import { del, post, showError } from "./api.js";
import { h } from "./dom.js";
import { basename, t } from "./format.js";
import { toast } from "./toast.js";

const STATUS_LABELS = {
  queued: "Queued",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};
const STATUS_COLOURS = { queued: "amber", running: "blue", completed: "green", failed: "red", cancelled: "grey" };

export const ACTIVE = new Set(["queued", "running"]);
export const RETRYABLE = new Set(["failed", "cancelled"]);

export function statusLabel(status) {
  return STATUS_LABELS[status] ? t(STATUS_LABELS[status]) : String(status);
}

export function statusBadge(status) {
  return h("span", { class: `badge badge-${STATUS_COLOURS[status] || "grey"}`, dataset: { status } }, statusLabel(status));
}

/** `DELETE /api/download/{id}`; toasts the outcome; resolves true when cancelled. */
export async function cancelDownload(download) {
  const result = await del(`/api/download/${encodeURIComponent(download.id)}`);
  if (result.ok) {
    toast({ kind: "success", title: t("Download cancelled"), body: basename(download.filename) });
    return true;
  }
  showError(result, t("Cancel failed"));
  return false;
}

/** `POST /api/download/{id}/retry`; toasts the outcome; resolves to the new id or null. */
export async function retryDownload(download, { quiet = false } = {}) {
  const result = await post(`/api/download/${encodeURIComponent(download.id)}/retry`);
  if (result.ok) {
    const newId = result.data?.download_id;
    if (!quiet) {
      toast({
        kind: "success",
        title: t("Download restarted"),
        body: t("{name} — new ID {id}", { name: basename(download.filename), id: newId ?? "?" }),
      });
    }
    return newId ?? true;
  }
  if (!quiet) showError(result, t("Restart failed"));
  return null;
}

/** A small action button; disables itself while `action` runs. */
export function actionButton(label, accessibleName, action, extraClass = "") {
  const classes = `btn btn-small ${extraClass}`.trim();
  const button = h("button", { type: "button", class: classes, "aria-label": accessibleName }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
