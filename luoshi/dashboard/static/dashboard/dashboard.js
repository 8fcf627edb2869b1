// 驾驶舱 charts. Every bar segment, point and heat-map cell carries the url of the filtered
// list page of exactly the records behind it; a click opens that page.
(function () {
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var instances = [];

  function init(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var instance = echarts.init(el);
    instance.on("click", function (p) {
      var url = p.data && (p.data.url || p.data[3]);
      if (url) window.location.href = url;
    });
    instances.push(instance);
    return instance;
  }

  var ledger = charts.ledger;
  if (ledger) {
    var months = init("chart-ledger-month");
    if (months) {
      var series = ledger.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "records", data: s.data, emphasis: { focus: "series" } };
      });
      series.push({ name: ledger.previous_label, type: "line", data: ledger.previous,
                    lineStyle: { type: "dashed" }, itemStyle: { color: "#6c757d" } });
      months.setOption({
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", bottom: 0 },
        grid: { left: 40, right: 20, top: 20, bottom: 60 },
        xAxis: { type: "category", data: ledger.months },
        yAxis: { type: "value", minInterval: 1 },
        series: series
      });
    }
    var types = init("chart-ledger-type");
    if (types) {
      types.setOption({
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 90, right: 20, top: 10, bottom: 40 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: ledger.by_type.map(function (t) { return t.name; }) },
        series: [
          { name: ledger.labels.cur, type: "bar",
            data: ledger.by_type.map(function (t) { return { value: t.cur, url: t.cur_url }; }) },
          { name: ledger.labels.prev, type: "bar", itemStyle: { color: "#adb5bd" },
            data: ledger.by_type.map(function (t) { return { value: t.prev, url: t.prev_url }; }) }
        ]
      });
    }
  }

  var risks = charts.risks;
  if (risks) {
    var heat = init("chart-risk-heat");
    if (heat) {
      var max = Math.max(1, Math.max.apply(null, risks.data.map(function (d) { return d[2]; }).concat([0])));
      heat.setOption({
        tooltip: { position: "top", formatter: function (p) {
          return risks.areas[p.data[1]] + " · " + risks.levels[p.data[0]] + "：" + p.data[2];
        } },
        grid: { left: 110, right: 30, top: 10, bottom: 90 },
        xAxis: { type: "category", data: risks.levels, splitArea: { show: true } },
        yAxis: { type: "category", data: risks.areas, splitArea: { show: true }, inverse: true },
        visualMap: { min: 0, max: max, dimension: 2, calculable: true, orient: "horizontal", left: "center",
                     bottom: 0, inRange: { color: ["#f8f9fa", "#ffc107", "#dc3545"] } },
        series: [{ type: "heatmap", data: risks.data, label: { show: true } }]
      });
    }
  }
  window.addEventListener("resize", function () { instances.forEach(function (i) { i.resize(); }); });
})();
