// Live progress of a schedule run: server-sent events move the bar and draw objective and bound
// over time as an inline SVG chart. Without this file the page still shows the last recorded state.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("run-progress");
  if (!box) return;
  const svgNS = "http://www.w3.org/2000/svg";
  const chart = document.getElementById("run-chart");
  const points = JSON.parse(document.getElementById("run-points").textContent || "[]");
  const show = (id, text) => { document.getElementById(id).textContent = text; };
  const gapText = (gap) => (gap === null || gap === undefined ? "—" : `${gap.toFixed(2)} %`);

  const setPercent = (percent) => {
    document.getElementById("run-bar").value = percent;
    show("run-percent", `${percent} %`);
  };

  const draw = () => {
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    if (!points.length) return;
    const width = 600, height = 160, pad = 8;
    const maxT = Math.max(...points.map((p) => p.seconds), 0.001);
    const values = points.flatMap((p) => [p.objective, p.bound]);
    const low = Math.min(...values), high = Math.max(...values);
    const x = (t) => pad + (width - 2 * pad) * (t / maxT);
    const y = (v) => height - pad - (height - 2 * pad) * (high === low ? 0.5 : (v - low) / (high - low));
    for (const [key, cls] of [["bound", "bound"], ["objective", "objective"]]) {
      const line = document.createElementNS(svgNS, "polyline");
      line.setAttribute("points", points.map((p) => `${x(p.seconds).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" "));
      line.setAttribute("class", `series ${cls}`);
      chart.appendChild(line);
    }
  };

  const showPoint = (p) => {
    show("run-objective", p.objective);
    show("run-bound", p.bound);
    show("run-gap", gapText(p.gap));
    show("run-phase", p.phase);
    setPercent(p.percent);
  };

  draw();
  if (box.dataset.state !== "running") return;

  const source = new EventSource(box.dataset.events);
  let seen = points.length;
  let received = 0;
  source.addEventListener("progress", (message) => {
    received += 1;
    if (received <= seen) return; // the stream starts from the first point again
    const p = JSON.parse(message.data);
    points.push(p);
    seen = points.length;
    showPoint(p);
    draw();
  });
  source.addEventListener("done", (message) => {
    source.close();
    const result = JSON.parse(message.data);
    setPercent(100);
    if (result.objective !== undefined) {
      show("run-objective", result.objective);
      show("run-bound", result.bound);
      show("run-gap", gapText(result.gap));
    }
    box.dataset.state = result.state;
    // The result section (save as draft, or the failure) is rendered by the server.
    window.setTimeout(() => window.location.reload(), 600);
  });
});
