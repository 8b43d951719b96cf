// A target's chart: values, the trajectory needed, and the target band at the milestone.
(function () {
  var node = document.getElementById("chart-data");
  if (!node) return;
  var data = JSON.parse(node.textContent);
  // Legends come translated with the data (indicators.overview.chart_legend).
  var legend = data.legend || {};
  var locale = document.documentElement.lang === "en" ? "en" : "vi-VN";
  var rows = document.getElementById("series-rows");
  data.years.forEach(function (y, i) {
    var tr = document.createElement("tr");
    [String(y), data.values[i], data.trajectory[i]].forEach(function (v) {  // a year is not grouped
      var td = document.createElement("td");
      td.textContent = v === null || v === undefined ? "" : (typeof v === "number" ? v.toLocaleString(locale) : v);
      tr.appendChild(td);
    });
    rows.appendChild(tr);
  });
  if (typeof Chart === "undefined") return;
  var datasets = [
    {label: legend.value, data: data.values, borderColor: "#0d6efd", backgroundColor: "#0d6efd", spanGaps: true},
    {label: legend.trajectory, data: data.trajectory, borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 0, spanGaps: true}
  ];
  if (data.band && data.band.low !== undefined) {
    var low = data.years.map(function (y) { return y === data.band.year ? data.band.low : null; });
    datasets.push({label: legend.low, data: low, borderColor: "#198754", backgroundColor: "#198754", pointStyle: "rectRot", pointRadius: 8, showLine: false});
    if (data.band.high !== null) {
      var high = data.years.map(function (y) { return y === data.band.year ? data.band.high : null; });
      datasets.push({label: legend.high, data: high, borderColor: "#20c997", backgroundColor: "#20c997", pointStyle: "rectRot", pointRadius: 8, showLine: false});
    }
  }
  new Chart(document.getElementById("chart"), {type: "line", data: {labels: data.years.map(String), datasets: datasets},
    options: {responsive: true, plugins: {legend: {position: "bottom"}}, scales: {y: {title: {display: true, text: data.unit}}}}});
  var breakdown = document.getElementById("breakdown");
  if (breakdown && Object.keys(data.breakdown).length) {
    var names = Object.keys(data.breakdown);
    var last = data.years.length - 1;
    while (last > 0 && names.every(function (n) { return data.breakdown[n][last] === null; })) last--;
    new Chart(breakdown, {type: "bar", data: {labels: names, datasets: [{label: String(data.years[last]), data: names.map(function (n) { return data.breakdown[n][last]; }), backgroundColor: "#6ea8fe"}]},
      options: {indexAxis: "y", plugins: {legend: {display: false}}}});
  }
})();
