/* global window, document */
// Runs synchronously before the app bundle so a dark-mode user never sees a light flash.
// Must stay in sync with THEME_STORAGE_KEY in src/lib/theme.tsx.
(function () {
  try {
    var stored = localStorage.getItem("folio-theme");
    var dark =
      stored === "dark" ||
      ((stored === null || stored === "system") &&
        window.matchMedia("(prefers-color-scheme: dark)").matches);
    document.documentElement.classList.toggle("dark", dark);
    document.documentElement.style.colorScheme = dark ? "dark" : "light";
  } catch {
    // Storage can be blocked (privacy mode); the app falls back to the system theme.
  }
})();
