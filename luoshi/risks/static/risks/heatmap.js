// 风险热力图: area × level counts; a click opens the register filtered to that cell.
(function () {
  var el = document.getElementById("risk-heatmap");
  var source = document.getElementById("heatmap-data");
  if (!el || !source || typeof echarts === "undefined") return;
  var chart = JSON.parse(source.textContent);
  var max = Math.max(1, Math.max.apply(null, chart.data.map(function (d) { return d[2]; })));
  var instance = echarts.init(el);
  instance.setOption({
    tooltip: { position: "top", formatter: function (p) {
      return chart.areas[p.data[1]] + " · " + chart.levels[p.data[0]] + "：" + p.data[2];
    } },
    grid: { left: 100, right: 30, top: 20, bottom: 70 },
    xAxis: { type: "category", data: chart.levels, splitArea: { show: true } },
    yAxis: { type: "category", data: chart.areas, splitArea: { show: true }, inverse: true },
    visualMap: { min: 0, max: max, dimension: 2, calculable: true, orient: "horizontal", left: "center",
                 bottom: 10, inRange: { color: ["#f8f9fa", "#ffc107", "#dc3545"] } },
    series: [{ type: "heatmap", data: chart.data, encode: { x: 0, y: 1, value: 2 },
               label: { show: true, formatter: function (p) { return p.data[2]; } },
               emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,.3)" } } }]
  });
  instance.on("click", function (p) { if (p.data && p.data[3]) window.location.href = p.data[3]; });
  window.addEventListener("resize", function () { instance.resize(); });
})();
