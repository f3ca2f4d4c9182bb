/* bubble's web chat, part 1 of 4: small helpers the other parts share (window.BubbleChatKit).
 * The safety rule of the whole chat lives here: text is inserted as text (`h`), markdown HTML
 * is rebuilt through an allow-list (`safeMarkdown`), and URLs are used only when `safeUrl` allows
 * their scheme. */
(function () {
  "use strict";
  if (window.BubbleChatKit) return;

  var MD_TAGS = ["P", "EM", "STRONG", "CODE", "PRE", "UL", "OL", "LI", "A", "H1", "H2", "H3", "H4", "H5", "H6",
    "BLOCKQUOTE", "BR", "HR", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "DEL", "S", "IMG"];
  var DROP_TAGS = ["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "NOSCRIPT", "TEXTAREA", "SVG", "MATH"];

  // ------------------------------------------------------------------ small helpers
  function h(tag, props, children) {
    var node = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    [].concat(children === undefined ? [] : children).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.append(typeof child === "object" ? child : String(child)); // strings become text nodes
    });
    return node;
  }

  var ICONS = {
    clip: "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z",
    mic: "M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z",
    theme: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18V4a8 8 0 0 1 0 16z",
    pin: "M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"
  };

  // An icon drawn from a fixed path (no icon font, nothing fetched).
  function icon(name, className) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", className || "icon-svg");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  }

  function safeUrl(url, kind) {
    if (typeof url !== "string") return null;
    var trimmed = url.trim();
    if (/^https?:\/\//i.test(trimmed)) return trimmed;
    if (kind === "link" && /^mailto:/i.test(trimmed)) return trimmed;
    if (kind === "image" && /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(trimmed)) return trimmed;
    if (kind === "media" && /^blob:/i.test(trimmed)) return trimmed;
    return null;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function plain(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "object") {
      // values as the server tags them (runtime/values.py `to_plain`): shown as a script's `"#{x}"` would
      if (value.$type === "duration" && typeof value.seconds === "number") return formatDuration(value.seconds);
      if ((value.$type === "text" || value.$type === "captured") && typeof value.text === "string") return value.text;
      if (value.$type === "datetime" && typeof value.iso === "string") return value.iso;
      if (value.$type === "atom" && typeof value.name === "string") return ":" + value.name;
      return JSON.stringify(value);
    }
    return String(value);
  }

  function formatDuration(seconds) {
    var parts = [], rest = Math.round(seconds);
    [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]].forEach(function (unit) {
      if (rest >= unit[1]) { parts.push(Math.floor(rest / unit[1]) + unit[0]); rest %= unit[1]; }
    });
    return parts.join(" ") || "0s";
  }

  function formatSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1048576) return (bytes / 1024).toFixed(1) + " KiB";
    return (bytes / 1048576).toFixed(1) + " MiB";
  }

  function isoWithOffset(date) {
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    var offset = -date.getTimezoneOffset(), sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":00" + sign + pad(Math.floor(offset / 60)) + ":" +
      pad(offset % 60);
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer), chunks = [];
    for (var i = 0; i < bytes.length; i += 0x8000) {
      chunks.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000)));
    }
    return btoa(chunks.join(""));
  }

  function load(key, fallback) {
    try { var text = localStorage.getItem(key); return text ? JSON.parse(text) : fallback; } catch (e) { return fallback; }
  }

  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: memory only */ }
  }

  // The server's markdown HTML, rebuilt through an allow-list (the inert document runs nothing).
  function safeMarkdown(html) {
    var source = new DOMParser().parseFromString(String(html), "text/html").body;
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      Array.prototype.forEach.call(from.childNodes, function (node) {
        if (node.nodeType === 3) { to.append(node.data); return; }
        if (node.nodeType !== 1 || DROP_TAGS.indexOf(node.tagName) >= 0) return;
        if (MD_TAGS.indexOf(node.tagName) < 0) { copy(node, to); return; }
        var made = document.createElement(node.tagName.toLowerCase());
        if (node.tagName === "A") {
          var href = safeUrl(node.getAttribute("href"), "link");
          if (href) { made.href = href; made.target = "_blank"; made.rel = "noopener noreferrer nofollow"; }
        } else if (node.tagName === "IMG") {
          var src = safeUrl(node.getAttribute("src"), "image");
          if (!src) { to.append(node.getAttribute("alt") || ""); return; }
          made.src = src; made.alt = node.getAttribute("alt") || ""; made.loading = "lazy";
        }
        copy(node, made);
        to.append(made);
      });
    })(source, out);
    return out;
  }

  function itemTitle(item) {
    if (item && typeof item === "object") return plain(item.title !== undefined ? item.title : item.value);
    return plain(item);
  }

  function itemValue(item) {
    if (item && typeof item === "object") return item.value !== undefined ? item.value : item.title;
    return item;
  }

  function itemLabel(item) {
    var label = h("span", { class: "item" });
    if (item && typeof item === "object" && safeUrl(item.image_url, "image")) {
      label.append(h("img", { src: safeUrl(item.image_url, "image"), alt: "", class: "item-image" }));
    }
    label.append(h("span", { class: "item-title", text: itemTitle(item) }));
    if (item && typeof item === "object" && item.subtitle) label.append(h("span", { class: "item-subtitle", text: plain(item.subtitle) }));
    return label;
  }

  // Plotly figures as scripts write them: `title: "Sales"` (a string) is what Plotly's Python
  // package and older Plotly.js take; the Plotly.js served here wants `{text: "Sales"}`.
  function chartLayout(layout) {
    var copy = layout && typeof layout === "object" && !Array.isArray(layout) ? JSON.parse(JSON.stringify(layout)) : {};
    function fix(holder) {
      if (holder && typeof holder === "object" && typeof holder.title === "string") holder.title = { text: holder.title };
    }
    fix(copy);
    Object.keys(copy).forEach(function (key) { if (/^[xy]axis\d*$/.test(key)) fix(copy[key]); });
    return copy;
  }

  // Unless the figure says otherwise, a chart takes the chat's colours (light or dark).
  function themed(layout, box) {
    var colour = getComputedStyle(box).color;
    if (layout.paper_bgcolor === undefined) layout.paper_bgcolor = "rgba(0,0,0,0)";
    if (layout.plot_bgcolor === undefined) layout.plot_bgcolor = "rgba(0,0,0,0)";
    layout.font = layout.font && typeof layout.font === "object" ? layout.font : {};
    if (layout.font.color === undefined) layout.font.color = colour;
    return layout;
  }

  window.BubbleChatKit = {
    h: h,
    icon: icon,
    safeUrl: safeUrl,
    newId: newId,
    plain: plain,
    formatDuration: formatDuration,
    formatSize: formatSize,
    isoWithOffset: isoWithOffset,
    toBase64: toBase64,
    load: load,
    save: save,
    safeMarkdown: safeMarkdown,
    itemTitle: itemTitle,
    itemValue: itemValue,
    itemLabel: itemLabel,
    chartLayout: chartLayout,
    themed: themed
  };
})();
