(() => {
  // Added by the live server: reload on its signal and, when it applies picks, a "use this take"
  // button on each take that is not the pick. The answer to a pick is the rebuild's reload; a 409
  // (the file was edited meanwhile) reloads at once. Plain browser JavaScript, inlined as is: the
  // page has no build step and loads nothing else.
  // When watch stops, the page says so at once (the browser keeps trying to reconnect; the
  // notice goes when it is back).
  const session = document.querySelector('meta[name="aivp-session"]');
  const toast = document.createElement("div");
  toast.id = "aivp-toast";
  toast.setAttribute("role", "status");
  document.body.append(toast);
  const say = (text, bad) => {
    toast.textContent = text;
    toast.className = bad ? "show bad" : "show";
  };
  const STOPPED = "aivp watch has stopped: this page no longer updates, and takes cannot be chosen. Run aivp watch --serve again to bring it back.";
  let stopped = false;
  const events = new EventSource("/__aivp/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("error", () => {
    stopped = true;
    say(STOPPED, true);
  });
  events.addEventListener("open", () => {
    // Back after a stop: what it shows may have changed meanwhile.
    if (stopped) location.reload();
  });
  if (!session || !session.hasAttribute("data-picks")) return;
  const hash = document.querySelector('meta[name="aivp-project"]')?.content;
  const choose = async (node, pick) => {
    for (const b of document.querySelectorAll(".use-take")) b.disabled = true;
    say("Writing pick: " + pick + " for " + node + "\u2026");
    try {
      const res = await fetch("/__aivp/pick", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Aivp-Token": session.content },
        body: JSON.stringify({ node, pick, hash }),
      });
      const text = await res.text();
      if (res.ok) return say(text + " \u2014 rebuilding\u2026");
      say(text, true);
      if (res.status === 409) setTimeout(() => location.reload(), 1500);
    } catch {
      say(STOPPED, true);
    }
    for (const b of document.querySelectorAll(".use-take")) b.disabled = false;
  };
  document.documentElement.classList.add("live");
  for (const take of document.querySelectorAll("[data-pickable] .take:not(.picked)")) {
    const node = take.closest("[data-node]").dataset.node;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "use-take";
    button.textContent = "use this take";
    button.addEventListener("click", () => choose(node, Number(take.dataset.take)));
    take.append(button);
  }
})();
