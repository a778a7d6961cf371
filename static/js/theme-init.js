// Applies the stored colour theme before the first paint (a classic script, no module, CSP-safe).
(function () {
  try {
    var theme = window.localStorage.getItem("harmony-theme");
    if (theme === "dark" || theme === "light") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (error) {
    // Storage can be disabled; the system preference applies then.
  }
})();
