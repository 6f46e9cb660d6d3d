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

// Ideas: the one-click vote posts in place. The button is a real form (it works without this
// file); here it is sent with fetch asking for JSON, and the answer's button and vote line
// replace the old ones by id, without a reload. Anything else (a login that expired, an
// unconfirmed address, a failed CSRF check) falls back to sending the form normally.
document.addEventListener("DOMContentLoaded", () => {
  if (!document.querySelector("form.vote-quick")) return;
  const announcer = document.createElement("p");
  announcer.className = "visually-hidden";
  announcer.setAttribute("role", "status");
  (document.querySelector("main") || document.body).append(announcer);

  const sendNormally = (form) => {
    const quick = document.createElement("input");
    quick.type = "hidden";
    quick.name = "quick";
    quick.value = "1";
    form.append(quick);
    form.submit();
  };

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("vote-quick")) return;
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    const button = form.querySelector("button");
    const hadFocus = document.activeElement === button;
    if (button) button.setAttribute("aria-busy", "true");
    const data = new FormData(form);
    data.set("quick", "1");
    data.set("view", form.dataset.view || "list");
    let answer = null;
    let response = null;
    try {
      response = await fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin", redirect: "manual",
        headers: { Accept: "application/json" },
      });
      if ((response.headers.get("Content-Type") || "").includes("application/json")) {
        answer = await response.json();
      }
    } catch (error) {
      answer = null;
    }
    if (!answer || !answer.html) {
      sendNormally(form);
      return;
    }
    const parts = document.createElement("template");
    parts.innerHTML = answer.html;
    for (const part of [...parts.content.children]) {
      const old = part.id && document.getElementById(part.id);
      if (old) old.replaceWith(part);
    }
    const box = document.getElementById(`vote-box-${form.dataset.idea}`);
    if (box && !answer.ok) {
      const note = document.createElement("p");
      note.className = "vote-message";
      note.textContent = answer.message;
      box.append(note);
    }
    const next = box && box.querySelector(".vote-button");
    if (next && hadFocus) next.focus();
    announcer.textContent = answer.message;
  });
});
