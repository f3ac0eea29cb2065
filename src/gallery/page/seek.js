(() => {
  // Clicking a segment in the timeline plays the film from its start; the playing segment is lit.
  const film = document.getElementById("film-player");
  const segs = [...document.querySelectorAll(".tl-seg[data-start]")];
  for (const seg of segs) {
    seg.querySelector(".tl-clip").addEventListener("click", () => {
      if (!film) return void (location.hash = "#n-" + seg.dataset.node);
      film.currentTime = Number(seg.dataset.start);
      film.play().catch(() => {});
      film.scrollIntoView({ block: "nearest" });
    });
    const v = seg.querySelector("video");
    if (v) {
      seg.addEventListener("mouseenter", () => v.play().catch(() => {}));
      seg.addEventListener("mouseleave", () => v.pause());
    }
  }
  if (film) film.addEventListener("timeupdate", () => {
    let on;
    for (const seg of segs) if (film.currentTime >= Number(seg.dataset.start)) on = seg;
    for (const seg of segs) seg.classList.toggle("playing", seg === on);
  });
})();
