// The live board updates itself: the server sends the board's HTML (server-sent events) whenever
// what it shows changes, and this swaps it in. Without this file the page shows the board as
// it was when loaded. An open "登记" form is not replaced under the organizer's finger.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const marker = document.getElementById("board-live");
  const board = document.getElementById("board");
  if (!marker || !board || !window.EventSource) return;
  let pending = null;
  const swap = () => {
    if (pending === null || board.querySelector("details[open]")) return;
    board.innerHTML = pending;
    pending = null;
  };
  const source = new EventSource(marker.dataset.events);
  source.addEventListener("board", (message) => {
    pending = message.data;
    swap();
    marker.classList.remove("offline");
  });
  source.addEventListener("error", () => marker.classList.add("offline"));
  board.addEventListener("toggle", swap, true);
});
