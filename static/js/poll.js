// Polling that pauses while the tab is hidden and never overlaps itself.

/**
 * Run `task` now (unless `immediate` is false) and then every `ms` milliseconds after it finished.
 * Hidden tabs do not poll; becoming visible runs the task at once. Returns `{now()}` to refresh
 * immediately (e.g. after an action).
 */
export function every(ms, task, { immediate = true } = {}) {
  let timer = null;
  let running = false;
  let again = false;

  function schedule() {
    clearTimeout(timer);
    timer = document.hidden ? null : setTimeout(tick, ms);
  }

  async function tick() {
    clearTimeout(timer);
    timer = null;
    if (document.hidden) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } catch (error) {
      console.warn("poll task failed", error);
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      tick();
    } else {
      schedule();
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      tick();
    }
  });

  if (immediate) tick();
  else schedule();
  return { now: tick };
}

/** Interval from a `data-poll-*` attribute of `<main>` (tests shorten it), else `fallback`. */
export function pollMs(name, fallback) {
  const value = Number(document.getElementById("main")?.dataset[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
