/* bubble's web chat, part 3 of 4: content frames (tables, charts, files, locations, progress),
 * as Chat methods. Plotly is fetched from the server only when the first chart arrives. */
(function () {
  "use strict";
  if (window.BubbleChatKit.contentMethods) return;
  var kit = window.BubbleChatKit;
  var h = kit.h, icon = kit.icon, safeUrl = kit.safeUrl, plain = kit.plain, formatSize = kit.formatSize,
    chartLayout = kit.chartLayout, themed = kit.themed;
  var methods = {};
  var plotlyLoading = null;

  methods.renderTable = function (frame) {
    var columns = Array.isArray(frame.columns) ? frame.columns : [];
    var rows = Array.isArray(frame.rows) ? frame.rows : [];
    var table = h("table", {}, [
      h("thead", {}, h("tr", {}, columns.map(function (c) { return h("th", { scope: "col", text: plain(c) }); }))),
      h("tbody", {}, rows.map(function (row) {
        var cells = Array.isArray(row) ? row : columns.map(function (c) { return row && typeof row === "object" ? row[c] : row; });
        return h("tr", {}, cells.map(function (cell) { return h("td", { text: plain(cell) }); }));
      }))]);
    return this.botBubble(h("div", { class: "table-wrap", tabindex: "0" }, table), "wide");
  };

  methods.renderChart = function (frame) {
    var self = this;
    var box = h("div", { class: "chart", role: "img", "aria-label": "Chart" + (frame.layout && typeof frame.layout.title === "string" ? ": " + frame.layout.title : "") },
      h("span", { class: "hint", text: "Loading the chart…" }));
    this.botBubble(box, "wide");
    this.plotly().then(function (Plotly) {
      box.textContent = "";
      return Plotly.newPlot(box, Array.isArray(frame.data) ? frame.data : [], themed(chartLayout(frame.layout), box),
        { responsive: true, displaylogo: false });
    }).then(function () { self.toBottom(); }, function () { box.textContent = "(the chart could not be drawn)"; });
  };

  methods.plotly = function () {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    var server = this.server;
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = server + "/webchat/plotly.min.js";
        script.onload = function () { window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly")); };
        script.onerror = function () { plotlyLoading = null; reject(new Error("no Plotly")); };
        document.head.append(script);
      });
    }
    return plotlyLoading;
  };

  methods.renderFile = function (frame) {
    var name = plain(frame.name || "file");
    var mime = plain(frame.mime || "application/octet-stream");
    var href = null, size = null;
    try {
      if (typeof frame.base64 === "string") {
        var binary = atob(frame.base64), bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        size = bytes.length;
        href = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
      } else if (typeof frame.data === "string") {
        var blob = new Blob([frame.data], { type: "application/octet-stream" });
        size = blob.size;
        href = URL.createObjectURL(blob);
      } else href = safeUrl(frame.url, "link");
    } catch (e) { href = null; }
    var link = href ? h("a", { class: "download", href: href, download: name, rel: "noopener noreferrer", target: href.indexOf("blob:") === 0 ? null : "_blank" },
      ["Download ", h("span", { text: name })]) : h("span", { text: name + " (cannot be downloaded)" });
    return this.botBubble([link, h("span", { class: "hint", text: " " + mime + (size !== null ? ", " + formatSize(size) : "") })], "file");
  };

  methods.renderLocation = function (frame) {
    var lat = Number(frame.lat), lon = Number(frame.lon);
    if (!isFinite(lat) || !isFinite(lon)) return this.botBubble(h("span", { text: "(a location that cannot be shown)" }));
    var svg = icon("pin", "pin");
    var map = "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=15/" + lat + "/" + lon;
    return this.botBubble(h("div", { class: "location" }, [svg, h("div", {}, [
      h("div", { text: lat.toFixed(5) + ", " + lon.toFixed(5) }),
      h("a", { href: map, target: "_blank", rel: "noopener noreferrer", text: "Open the map" })])]), "place");
  };

  methods.renderLoading = function (frame) {
    var key = frame.id !== undefined ? "id:" + plain(frame.id) : "last";
    var progress = Math.max(0, Math.min(100, Number(frame.progress) || 0));
    var existing = this.loading[key] || (key !== "last" ? null : this.loading.last);
    if (existing) {
      existing.bar.value = progress;
      existing.label.textContent = plain(frame.text) + " — " + progress + "%";
      return;
    }
    var label = h("span", { text: plain(frame.text) + " — " + progress + "%" });
    var bar = h("progress", { max: 100, value: progress, "aria-label": plain(frame.text) || "progress" });
    this.loading[key] = this.loading.last = { bar: bar, label: label };
    return this.botBubble([label, bar], "loading");
  };

  window.BubbleChatKit.contentMethods = methods;
})();
