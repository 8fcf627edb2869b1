// 风险热力图: area × level counts; a click opens the register filtered to that cell.
(function () {
  Array.prototype.forEach.call(document.querySelectorAll(".ls-level-dot[data-color]"), function (dot) {
    var color = dot.getAttribute("data-color");
    if (/^#[0-9a-fA-F]{3,8}$/.test(color)) dot.style.backgroundColor = color;
  });
  var el = document.getElementById("risk-heatmap");
  var source = document.getElementById("heatmap-data");
  if (!el || !source || typeof echarts === "undefined") return;
  var chart = JSON.parse(source.textContent);
  // Each cell in its level's own colour (红/橙/黄/蓝), deeper with more risks; empty cells blank.
  var data = chart.data.filter(function (d) { return d[2] > 0; });
  var max = Math.max(1, Math.max.apply(null, data.map(function (d) { return d[2]; }).concat([1])));
  var instance = echarts.init(el);
  instance.setOption({
    tooltip: { position: "top", formatter: function (p) {
      return chart.areas[p.data[1]] + " · " + chart.levels[p.data[0]] + "：" + p.data[2];
    } },
    grid: { left: 100, right: 30, top: 20, bottom: 70 },
    xAxis: { type: "category", data: chart.levels, splitArea: { show: true } },
    yAxis: { type: "category", data: chart.areas, splitArea: { show: true }, inverse: true },
    visualMap: [
      { type: "piecewise", dimension: 0, show: false,
        pieces: chart.colors.map(function (color, i) { return { value: i, color: color }; }) },
      { type: "continuous", dimension: 2, min: 1, max: max, show: false,
        inRange: { opacity: max > 1 ? [0.45, 1] : [1, 1] } }
    ],
    series: [{ type: "heatmap", data: data, encode: { x: 0, y: 1, value: 2 },
               label: { show: true, fontWeight: "bold", formatter: function (p) { return p.data[2]; } },
               emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,.3)" } } }]
  });
  instance.on("click", function (p) { if (p.data && p.data[3]) window.location.href = p.data[3]; });
  window.addEventListener("resize", function () { instance.resize(); });
})();
