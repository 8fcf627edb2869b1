// Report charts: each section's chart data (its json_script beside the charts) drawn
// with ECharts.
(function () {
  if (typeof echarts === "undefined") return;
  document.querySelectorAll(".ls-report-section").forEach(function (section) {
    var source = section.querySelector(':scope > script[type="application/json"]');
    if (!source) return;
    var charts = JSON.parse(source.textContent);
    charts.forEach(function (chart, index) {
      var el = section.querySelector('[data-chart="' + index + '"]');
      if (!el) return;
      var instance = echarts.init(el);
      instance.setOption({
        title: { text: chart.title, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: chart.kind === "pie" ? "item" : "axis" },
        legend: { bottom: 0 },
        grid: { left: 40, right: 20, top: 40, bottom: 50 },
        xAxis: chart.kind === "pie" ? undefined : { type: "category", data: chart.categories },
        yAxis: chart.kind === "pie" ? undefined : { type: "value", minInterval: 1 },
        series: chart.series.map(function (s, i) {
          var colour = chart.colors && chart.colors[i];
          return { name: s[0], type: chart.kind, data: s[1], label: { show: true, position: "top" },
                   itemStyle: colour ? { color: colour } : undefined };
        })
      });
      window.addEventListener("resize", function () { instance.resize(); });
    });
  });
})();
