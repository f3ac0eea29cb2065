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
  // A node being built: its card (and its place on the timeline) says what it is doing and for how
  // long, ticking each second, until the build is done with it.
  const STATES = { starting: "starting", submitting: "submitting", queued: "queued", running: "running", downloading: "downloading", retrying: "retrying" };
  const shown = new Map();
  const clock = (ms) => {
    const s = Math.max(0, Math.floor(ms / 1000));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  };
  const paint = (node) => {
    const a = shown.get(node);
    for (const el of document.querySelectorAll('.card[data-node="' + CSS.escape(node) + '"], .tl-seg[data-node="' + CSS.escape(node) + '"]')) {
      let line = el.querySelector(".live-run");
      if (!a) {
        line?.remove();
        el.classList.remove("building");
        continue;
      }
      if (!line) {
        line = document.createElement("p");
        line.className = "live-run";
        line.setAttribute("role", "status");
        (el.querySelector(".body") ?? el).prepend(line);
      }
      el.classList.add("building");
      const queue = a.state === "queued" && a.queuePosition !== undefined ? " (position " + a.queuePosition + ")" : "";
      line.textContent = "building: " + STATES[a.state] + queue + " \u00b7 " + clock(Date.now() - a.since);
    }
  };
  events.addEventListener("activity", (e) => {
    const a = JSON.parse(e.data);
    if (a.state && STATES[a.state]) shown.set(a.node, { state: a.state, queuePosition: a.queuePosition, since: Date.now() - (a.elapsedMs || 0) });
    else shown.delete(a.node);
    paint(a.node);
  });
  setInterval(() => {
    for (const node of shown.keys()) paint(node);
  }, 1000);
  events.addEventListener("error", () => {
    stopped = true;
    say(STOPPED, true);
    for (const node of [...shown.keys()]) {
      shown.delete(node);
      paint(node);
    }
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
