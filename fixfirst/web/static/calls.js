// Play a call from a finding or a turn: a "play" link carries the second to start at.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.play-from");
  const audio = document.getElementById("call-audio");
  if (!link || !audio) return;
  event.preventDefault();
  audio.currentTime = Number(link.dataset.seconds || 0);
  audio.play();
});
