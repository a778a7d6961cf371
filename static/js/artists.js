// Artists page: followed artists, release preferences per artist, watchlist (SPEC §10.3, §2.10).
import { del, fieldErrors, get, missingLines, post, showError } from "./api.js";
import { busy, empty, fill, h, messageRow, setupTabs, spinner } from "./dom.js";
import { formatDateTime, readJson, t } from "./format.js";
import { toast } from "./toast.js";

const $ = (id) => document.getElementById(id);
const initial = readJson("initial-data") || {};
const RELEASE_COLUMNS = 5;
const TYPE_LABELS = { album: "Album", single: "Single", ep: "EP", compilation: "Compilation" };

const state = {
  artists: [],
  artist: null, // the selected artist object
  releases: [],
  stored: new Map(), // release id → saved preference
  current: new Map(), // release id → toggle state
  filter: "all",
  counts: new Map(), // artist id → number of releases, once loaded
  watchlist: Array.isArray(initial.watchlist?.items) ? initial.watchlist.items : null,
};

// Followed artists (GET /spotify/artists/followed)

function placeholder(name) {
  return h("span", { class: "avatar placeholder", "aria-hidden": "true" }, (name || "?").trim().charAt(0).toUpperCase());
}

function artistImage(artist) {
  const images = Array.isArray(artist.images) ? artist.images : [];
  const image = images[images.length - 1] || images[0];
  if (!image?.url) return placeholder(artist.name);
  const img = h("img", { class: "avatar", src: image.url, alt: "", width: 40, height: 40, loading: "lazy" });
  img.addEventListener("error", () => img.replaceWith(placeholder(artist.name)));
  return img;
}

function watched(artistId) {
  return (state.watchlist || []).some((item) => item.spotify_artist_id === artistId);
}

function artistItem(artist) {
  const selected = state.artist?.id === artist.id;
  const count = state.counts.get(artist.id);
  const select = h(
    "button",
    { type: "button", class: "artist-button", "aria-pressed": selected ? "true" : "false", dataset: { id: artist.id } },
    artistImage(artist),
    h(
      "span",
      { class: "artist-text" },
      h("span", { class: "artist-name" }, artist.name),
      h("span", { class: "muted small" }, count === undefined ? "" : t("{count} releases", { count })),
    ),
  );
  select.addEventListener("click", () => selectArtist(artist));
  const isWatched = watched(artist.id);
  const watch = h(
    "button",
    {
      type: "button",
      class: "btn btn-small",
      disabled: isWatched,
      "aria-label": t("Add {name} to the watchlist", { name: artist.name }),
    },
    isWatched ? t("On the watchlist") : t("Add to watchlist"),
  );
  watch.addEventListener("click", () => addToWatchlist(artist.id, artist.name));
  return h("li", { class: "artist-item" }, select, watch);
}

function renderArtists() {
  const list = $("artist-list");
  busy(list, false);
  if (!state.artists.length) {
    fill(list, empty(t("No artists found")));
    return;
  }
  fill(list, h("ul", { class: "artist-items" }, state.artists.map(artistItem)));
}

async function loadArtists() {
  const list = $("artist-list");
  busy(list, true);
  fill(list, spinner());
  const result = await get("/spotify/artists/followed");
  busy(list, false);
  if (result.status === 503) {
    const missing = result.data?.detail?.missing;
    fill(
      list,
      h(
        "div",
        { class: "notice" },
        h("p", {}, t("Spotify is not connected. Connect your account to see followed artists.")),
        missing ? h("p", { class: "muted small" }, [t("Missing settings:"), " ", missingLines(missing).join(" · ")]) : null,
        h(
          "p",
          {},
          h("a", { class: "btn btn-primary", href: "/spotify/login" }, t("Connect with Spotify")),
          " ",
          h("a", { href: "/ui/settings" }, t("Open settings")),
        ),
      ),
    );
    showError(result, t("Spotify not connected"));
    return;
  }
  if (!result.ok || !Array.isArray(result.data?.artists)) {
    fill(list, empty(t("Artists could not be loaded"), "error-state"));
    showError(result, t("Artists could not be loaded"));
    return;
  }
  state.artists = [...result.data.artists].sort((a, b) =>
    String(a.name ?? "").localeCompare(String(b.name ?? ""), undefined, { sensitivity: "base" }),
  );
  renderArtists();
}

// Releases of the selected artist and their sync preferences

const tbody = $("releases-body");
const selectFilter = setupTabs($("release-filter"), (tab) => {
  state.filter = tab.dataset.filter;
  renderReleases();
});

function dirty() {
  return state.releases.some((release) => state.current.get(release.id) !== state.stored.get(release.id));
}

function updateButtons() {
  const changed = dirty();
  $("save-preferences").disabled = !changed;
  $("discard-preferences").disabled = !changed;
}

function visibleReleases() {
  if (state.filter === "all") return state.releases;
  return state.releases.filter((release) => release.release_type === state.filter);
}

function releaseRow(release) {
  const toggle = h("input", {
    type: "checkbox",
    role: "switch",
    class: "switch",
    checked: Boolean(state.current.get(release.id)),
    "aria-label": t("Enable for sync: {title}", { title: release.name }),
    dataset: { release: release.id },
  });
  toggle.addEventListener("change", () => {
    state.current.set(release.id, toggle.checked);
    updateButtons();
  });
  const type = release.release_type;
  return h(
    "tr",
    { dataset: { release: release.id, type } },
    h("td", {}, release.name),
    h("td", {}, TYPE_LABELS[type] ? t(TYPE_LABELS[type]) : type || "–"),
    h("td", { class: "num" }, String(release.release_date || "").slice(0, 4) || "–"),
    h("td", { class: "num" }, release.total_tracks ?? "–"),
    h("td", {}, toggle),
  );
}

function renderReleases() {
  busy(tbody, false);
  if (!state.releases.length) {
    fill(tbody, messageRow(RELEASE_COLUMNS, h("span", { class: "empty" }, t("No releases available"))));
  } else {
    const rows = visibleReleases();
    fill(
      tbody,
      rows.length ? rows.map(releaseRow) : messageRow(RELEASE_COLUMNS, h("span", { class: "empty" }, t("No releases found"))),
    );
  }
  updateButtons();
}

async function selectArtist(artist) {
  state.artist = artist;
  state.releases = [];
  state.stored = new Map();
  state.current = new Map();
  selectFilter($("release-filter").querySelector('[data-filter="all"]'));
  renderArtists();
  $("releases-hint").hidden = true;
  $("release-panel").hidden = false;
  $("releases-title").textContent = t("Releases of {name}", { name: artist.name });
  busy(tbody, true);
  fill(tbody, messageRow(RELEASE_COLUMNS, spinner()));
  updateButtons();
  const [releases, preferences] = await Promise.all([
    get(`/spotify/artist/${encodeURIComponent(artist.id)}/releases`),
    get("/settings/artist-preferences"),
  ]);
  if (state.artist !== artist) return; // another artist was selected meanwhile
  if (!releases.ok || !Array.isArray(releases.data?.releases)) {
    busy(tbody, false);
    fill(tbody, messageRow(RELEASE_COLUMNS, h("span", { class: "empty error-state" }, t("Releases could not be loaded"))));
    showError(releases, t("Releases could not be loaded"));
    return;
  }
  if (!preferences.ok) showError(preferences, t("Preferences could not be loaded"));
  state.releases = releases.data.releases;
  for (const pref of preferences.data?.preferences || []) {
    if (pref.artist_id === artist.id) state.stored.set(pref.release_id, Boolean(pref.selected));
  }
  for (const release of state.releases) {
    if (!state.stored.has(release.id)) state.stored.set(release.id, false);
    state.current.set(release.id, state.stored.get(release.id));
  }
  state.counts.set(artist.id, state.releases.length);
  renderArtists();
  renderReleases();
}

$("save-preferences").addEventListener("click", async (event) => {
  const artist = state.artist;
  if (!artist || !state.releases.length) return;
  const button = event.currentTarget;
  button.disabled = true;
  const preferences = state.releases.map((release) => ({
    artist_id: artist.id,
    release_id: release.id,
    selected: Boolean(state.current.get(release.id)),
  }));
  const result = await post("/settings/artist-preferences", { preferences });
  if (state.artist !== artist) return;
  if (result.ok) {
    for (const pref of result.data?.preferences || []) {
      if (pref.artist_id === artist.id) state.stored.set(pref.release_id, Boolean(pref.selected));
    }
    toast({ kind: "success", title: t("Preferences saved") });
  } else {
    showError(result, t("Saving failed"));
  }
  updateButtons();
});

$("discard-preferences").addEventListener("click", () => {
  for (const release of state.releases) state.current.set(release.id, state.stored.get(release.id));
  renderReleases();
});

// Watchlist (GET/POST /watchlist, DELETE /watchlist/{id})

function renderWatchlist() {
  const body = $("watchlist-body");
  busy(body, false);
  if (state.watchlist === null) return;
  if (!state.watchlist.length) {
    fill(body, messageRow(5, h("span", { class: "empty" }, t("No artists on the watchlist"))));
    return;
  }
  fill(
    body,
    state.watchlist.map((item) => {
      const label = t("Remove {name} from the watchlist", { name: item.name });
      const remove = h("button", { type: "button", class: "btn btn-small btn-danger", "aria-label": label }, t("Remove"));
      remove.addEventListener("click", () => removeFromWatchlist(item, remove));
      return h(
        "tr",
        { dataset: { id: item.id } },
        h("td", {}, item.name),
        h("td", {}, h("code", {}, item.spotify_artist_id)),
        h("td", { class: "nowrap" }, item.last_checked ? formatDateTime(item.last_checked) : "–"),
        h("td", { class: "nowrap" }, formatDateTime(item.created_at)),
        h("td", { class: "actions" }, remove),
      );
    }),
  );
}

async function loadWatchlist() {
  const result = await get("/watchlist");
  if (!result.ok || !Array.isArray(result.data?.items)) {
    showError(result, t("Watchlist could not be loaded"));
    const message = h("span", { class: "empty error-state" }, t("Watchlist could not be loaded"));
    fill($("watchlist-body"), messageRow(5, message));
    return;
  }
  state.watchlist = result.data.items;
  renderWatchlist();
  if (state.artists.length) renderArtists();
}

async function addToWatchlist(spotifyArtistId, name) {
  const result = await post("/watchlist", { spotify_artist_id: spotifyArtistId, name });
  if (result.ok) {
    toast({ kind: "success", title: t("Added to the watchlist: {name}", { name }) });
    await loadWatchlist();
    return { ok: true };
  }
  if (result.status === 409) {
    toast({ kind: "warning", title: t("Artist already on the watchlist") });
    return { ok: false };
  }
  showError(result, t("Could not add the artist"));
  return { ok: false, result };
}

async function removeFromWatchlist(item, button) {
  button.disabled = true;
  const result = await del(`/watchlist/${encodeURIComponent(item.id)}`);
  if (result.ok || result.status === 404) {
    toast({ kind: "success", title: t("Removed from the watchlist: {name}", { name: item.name }) });
    await loadWatchlist();
    return;
  }
  button.disabled = false;
  showError(result, t("Could not remove the artist"));
}

const watchForm = $("watchlist-form");
const watchFields = { spotify_artist_id: $("wl-id"), name: $("wl-name") };

function setWatchError(input, message) {
  const slot = $(`${input.id}-error`);
  input.setAttribute("aria-invalid", message ? "true" : "false");
  slot.textContent = message || "";
  slot.hidden = !message;
}

watchForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const values = {};
  let invalid = false;
  for (const [key, input] of Object.entries(watchFields)) {
    values[key] = input.value.trim();
    setWatchError(input, values[key] ? "" : t("This field is required."));
    invalid ||= !values[key];
  }
  if (invalid) {
    watchForm.querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  const outcome = await addToWatchlist(values.spotify_artist_id, values.name);
  if (outcome.ok) watchForm.reset();
  const detail = outcome.result?.status === 422 ? outcome.result.data?.detail : null;
  for (const [path, message] of detail && typeof detail === "object" ? fieldErrors(detail) : []) {
    const input = watchFields[path.split(".")[0]];
    if (input) setWatchError(input, message);
  }
});

// Start

if (state.watchlist) renderWatchlist();
else loadWatchlist();
loadArtists();
