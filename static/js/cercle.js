// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The language picker submits itself when changed; its button stays for no-JS visitors.
  for (const form of document.querySelectorAll("form.language-form")) {
    const select = form.querySelector("select");
    const button = form.querySelector("button");
    if (select && button) {
      button.hidden = true;
      select.addEventListener("change", () => form.submit());
    }
  }
  // Invitation links: select the whole link on focus so it is easy to copy.
  for (const input of document.querySelectorAll("input.copy-field")) {
    input.addEventListener("focus", () => input.select());
  }
});
