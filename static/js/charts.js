/* Draw every [data-chart] element with ECharts; clicking a bar, slice or point opens the
   orders (or page) behind it. Charts are kept in window.opmsCharts by element id. */
(function () {
  "use strict";
  window.opmsCharts = {};
  function option(spec) {
    var palette = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#198754", "#0dcaf0", "#ffc107"];
    var tooltip = { trigger: spec.kind === "pie" ? "item" : "axis", confine: true };
    if (spec.kind === "pie") {
      return {
        color: palette, tooltip: tooltip, legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: spec.labels.map(function (label, i) {
          return { name: label, value: spec.values[i] };
        }) }]
      };
    }
    var horizontal = spec.kind === "hbar";
    var category = { type: "category", data: spec.labels, axisLabel: { hideOverlap: true, width: 120, overflow: "truncate" } };
    var value = { type: "value", axisLabel: { formatter: function (v) {
      return Math.abs(v) >= 1e6 ? (v / 1e6) + "M" : Math.abs(v) >= 1e3 ? (v / 1e3) + "k" : v;
    } } };
    var series = [{ type: "bar", data: spec.values, itemStyle: { color: palette[0] } }];
    var result = {
      color: palette, tooltip: tooltip,
      grid: { left: horizontal ? 130 : 50, right: spec.line && spec.line.length ? 50 : 16, top: 16, bottom: 40 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: series
    };
    if (spec.line && spec.line.length) {
      result.yAxis = [value, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }];
      series.push({ type: "line", yAxisIndex: 1, data: spec.line, itemStyle: { color: palette[2] } });
    }
    return result;
  }
  function draw(element) {
    if (!window.echarts || element.dataset.drawn) { return; }
    var spec = JSON.parse(document.getElementById(element.dataset.chart).textContent);
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      var url = spec.urls[params.dataIndex];
      if (url) { window.location.href = url; }
    });
    element.dataset.drawn = "1";
    window.opmsCharts[element.id] = chart;
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function drawAll() { document.querySelectorAll("[data-chart]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
