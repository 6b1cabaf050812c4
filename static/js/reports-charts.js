// Draws the statistics page's charts with the vendored Apache ECharts; each chart's figures are
// also in the table beside it, so the page reads the same without script or on paper.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var blue = "#2f6fb0", orange = "#d9822b", charts = [];

  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }

  draw("chart-funnel", {
    tooltip: { trigger: "item" },
    series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "8%", gap: 2,
      label: { show: true, position: "inside", formatter: "{b}：{c}" }, data: data.funnel,
      color: ["#9ec5ea", "#6fa8dc", "#3d85c6", "#2f6fb0", "#1c4587"] }]
  });
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { data: [source.dataset.disbursed, source.dataset.approved, source.dataset.meetings] },
    grid: { left: 50, right: 50, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.trend.months },
    yAxis: [{ type: "value", name: source.dataset.unit }, { type: "value", name: source.dataset.meetingsUnit }],
    series: [
      { name: source.dataset.disbursed, type: "bar", data: data.trend.disbursed, itemStyle: { color: blue } },
      { name: source.dataset.approved, type: "line", data: data.trend.approved, itemStyle: { color: orange } },
      { name: source.dataset.meetings, type: "line", yAxisIndex: 1, data: data.trend.meetings }
    ]
  });
  draw("chart-institutions", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: [source.dataset.disbursed, source.dataset.approved] },
    grid: { left: 10, right: 50, bottom: 20, top: 30, containLabel: true },
    xAxis: { type: "value", name: source.dataset.unit },
    yAxis: { type: "category", data: data.institutions.names, axisLabel: { width: 140, overflow: "truncate" } },
    series: [
      { name: source.dataset.disbursed, type: "bar", data: data.institutions.disbursed, itemStyle: { color: blue } },
      { name: source.dataset.approved, type: "bar", data: data.institutions.approved, itemStyle: { color: orange } }
    ]
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize({ width: 640 }); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
}());
