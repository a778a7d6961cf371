// Translation lookup and locale-aware formatting of dates, ages, numbers and file names.

/** Parse the JSON of a `json_script` element; null when absent or invalid. */
export function readJson(id) {
  const element = document.getElementById(id);
  if (!element) return null;
  try {
    return JSON.parse(element.textContent);
  } catch {
    return null;
  }
}

const strings = readJson("ui-strings") || {};

/** The page language (`de` or `en`), as rendered by Django. */
export const lang = document.documentElement.lang || "de";

/** Translate an English message id and fill `{name}` placeholders. */
export function t(message, params = {}) {
  const text = strings[message] ?? message;
  return text.replace(/\{(\w+)\}/g, (match, key) => (key in params ? String(params[key]) : match));
}

const dateFormat = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", year: "numeric" });
const timeFormat = new Intl.DateTimeFormat(lang, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const relativeFormat = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
const numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });

/** A Date from an ISO string; null for null, "" or garbage. */
export function parseDate(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Local date and time, e.g. `18.03.2025 13:15:42` (de) or `03/18/2025 13:15:42` (en). */
export function formatDateTime(value) {
  const date = parseDate(value);
  if (!date) return "–";
  return `${dateFormat.format(date)} ${timeFormat.format(date)}`;
}

/** Local calendar date as `YYYY-MM-DD` (export file names). */
export function isoDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Compact age of a past moment: `vor 30s`, `vor 5m`, `vor 2h`, `vor 3d`; null when unknown. */
export function age(value, now = Date.now()) {
  const date = parseDate(value);
  if (!date) return null;
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 60) return t("{n}s ago", { n: seconds });
  if (seconds < 3600) return t("{n}m ago", { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t("{n}h ago", { n: Math.floor(seconds / 3600) });
  return t("{n}d ago", { n: Math.floor(seconds / 86400) });
}

/** Relative time in words via Intl: `in 5 Minuten`, `vor 2 Stunden`. */
export function relative(value, now = Date.now()) {
  const date = parseDate(value);
  if (!date) return "";
  const seconds = Math.round((date.getTime() - now) / 1000);
  const units = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(seconds, "second");
}

/** A number with at most one decimal in the page locale. */
export function formatNumber(value) {
  const number = Number(value);
  return Number.isFinite(number) ? numberFormat.format(number) : "–";
}

/** Progress as `45 %` (clamped to 0–100). */
export function formatPercent(value) {
  const number = Math.min(100, Math.max(0, Number(value) || 0));
  return `${numberFormat.format(number)} %`;
}

/** The last component of a Soulseek path (`Music\\Artist\\01 - Song.mp3` → `01 - Song.mp3`). */
export function basename(path) {
  const text = String(path ?? "");
  const parts = text.split(/[\\/]/);
  return parts[parts.length - 1] || text;
}

/** `Worker name` → `Worker Name` (worker cards). */
export function titleCase(text) {
  return String(text).replace(/(^|[\s_-])(\w)/g, (match, sep, letter) => sep + letter.toUpperCase());
}
