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

// Ideas: suggest similar ideas while the title is typed (the form's "check" button does the
// same without JS).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-similar-url]");
  const box = document.getElementById("similar-live");
  const title = form && form.querySelector("input[name=title]");
  if (!form || !box || !title) return;
  let timer = null;
  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = title.value.trim();
      box.replaceChildren();
      if (query.length < 4) return;
      const response = await fetch(`${form.dataset.similarUrl}?title=${encodeURIComponent(query)}`);
      if (!response.ok) return;
      const ideas = await response.json();
      if (!ideas.length) return;
      const heading = document.createElement("p");
      heading.textContent = box.dataset.heading || "Similar ideas:";
      const list = document.createElement("ul");
      for (const idea of ideas) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = idea.url;
        link.textContent = idea.title;
        item.append(link);
        list.append(item);
      }
      box.append(heading, list);
    }, 300);
  });
});

// My priorities: drag and drop to reorder; the new order is posted like the no-JS buttons.
document.addEventListener("DOMContentLoaded", () => {
  const ballot = document.getElementById("ballot");
  const form = document.getElementById("order-form");
  const field = document.getElementById("order-field");
  if (!ballot || !form || !field) return;
  let dragged = null;
  ballot.addEventListener("dragstart", (event) => {
    dragged = event.target.closest("li");
    event.dataTransfer.effectAllowed = "move";
  });
  ballot.addEventListener("dragover", (event) => {
    event.preventDefault();
    const over = event.target.closest("li");
    if (!dragged || !over || over === dragged) return;
    const after = event.clientY > over.getBoundingClientRect().top + over.offsetHeight / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });
  ballot.addEventListener("drop", (event) => {
    event.preventDefault();
    field.value = [...ballot.querySelectorAll("li[data-idea]")].map((li) => li.dataset.idea).join(",");
    form.submit();
  });
});
