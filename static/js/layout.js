// Progressive enhancement of the layout; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The header's menu is a <details> disclosure on a phone and shown inline on a wide screen:
  // open it there (browsers that cannot style ::details-content would keep it folded).
  const menu = document.querySelector("details.site-menu");
  if (menu) {
    const wide = window.matchMedia("(min-width: 60rem)");
    const follow = () => { menu.open = wide.matches; };
    follow();
    wide.addEventListener("change", follow);
    // Escape folds the open menu on a phone and gives the focus back to its button.
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
  // Tables stack into rows on a phone: each cell is captioned with its column's header
  // (templates may set data-label themselves; this fills in the others).
  for (const table of document.querySelectorAll("main table")) {
    const headers = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!headers.length) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, index) => {
        if (!cell.hasAttribute("data-label") && headers[index]) {
          cell.setAttribute("data-label", headers[index]);
        }
      });
    }
  }
});
