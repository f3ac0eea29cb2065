(() => {
  // Clicking a segment in the timeline, its clip or its name, plays the film from where the cut
  // starts it; the playing segment is lit. Without a film, the name goes to the segment's card.
  const film = document.getElementById("film-player");
  const segs = [...document.querySelectorAll(".tl-seg[data-start]")];
  for (const seg of segs) {
    const seek = (event) => {
      if (!film) return void (location.hash = "#n-" + seg.dataset.node);
      event.preventDefault();
      film.currentTime = Number(seg.dataset.start);
      film.play().catch(() => {});
      film.scrollIntoView({ block: "nearest" });
    };
    seg.querySelector(".tl-clip").addEventListener("click", seek);
    seg.querySelector(".tl-name a").addEventListener("click", seek);
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
