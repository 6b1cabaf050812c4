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

  // Step lines over the whole time limit: a value holds until the next event; a finished run's
  // lines run to the right edge. The y range starts below the lowest value so flat lines show.
  const draw = () => {
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    if (!points.length) return;
    const width = 600, height = 160, pad = 8;
    const limit = Math.max(Number(box.dataset.timeLimit) || 1, ...points.map((p) => p.seconds));
    const values = points.flatMap((p) => [p.objective, p.bound]);
    const high = Math.max(...values), low = Math.min(...values) - Math.max(1, 0.1 * Math.abs(high));
    const x = (t) => pad + (width - 2 * pad) * (t / limit);
    const y = (v) => height - pad - (height - 2 * pad) * ((v - low) / (high - low));
    const end = box.dataset.state === "running" ? points[points.length - 1].seconds : limit;
    for (const key of ["objective", "bound"]) { // bound last: its dashes stay visible on equal values
      const corners = [];
      points.forEach((p, index) => {
        const next = index + 1 < points.length ? points[index + 1].seconds : end;
        corners.push(`${x(p.seconds).toFixed(1)},${y(p[key]).toFixed(1)}`, `${x(next).toFixed(1)},${y(p[key]).toFixed(1)}`);
      });
      const line = document.createElementNS(svgNS, "polyline");
      line.setAttribute("points", corners.join(" "));
      line.setAttribute("class", `series ${key}`);
      chart.appendChild(line);
    }
  };

  const showPoint = (p) => {
    show("run-objective", p.objective);
    show("run-bound", p.bound);
    show("run-gap", gapText(p.gap));
    show("run-phase", p.phase_label || p.phase);
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
    draw();
    // The result section (save as draft, or the failure) is rendered by the server.
    window.setTimeout(() => window.location.reload(), 600);
  });
});
