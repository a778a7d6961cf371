// Layout behaviour shared by every page: the dark/light toggle.
const root = document.documentElement;
const toggle = document.getElementById("theme-toggle");
const systemDark = window.matchMedia("(prefers-color-scheme: dark)");

function isDark() {
  const chosen = root.getAttribute("data-theme");
  return chosen ? chosen === "dark" : systemDark.matches;
}

function sync() {
  toggle?.setAttribute("aria-pressed", isDark() ? "true" : "false");
}

toggle?.addEventListener("click", () => {
  const theme = isDark() ? "light" : "dark";
  root.setAttribute("data-theme", theme);
  try {
    window.localStorage.setItem("harmony-theme", theme);
  } catch {
    // Without storage the choice lasts for this page only.
  }
  sync();
});
systemDark.addEventListener("change", sync);
sync();
