/* bubble's web chat: one conversation over `/ws` (docs/protocol.md), every frame and widget drawn
 * as a real control. No dependencies, no build step.
 *
 * Safety rule of this file: text from the server or the user is only ever inserted as text
 * (`textContent`, `append(string)`), never as HTML. The one exception, a markdown frame's `html`,
 * is parsed in an inert document and rebuilt element by element through an allow-list. URLs are
 * used only when their scheme is allowed (`safeUrl`).
 */
(function () {
  "use strict";
  if (window.BubbleChat) return;

  var PROTOCOL = 1;
  var INLINE_BYTES = 45000; // files up to this go in a `file`/`voice` frame; larger ones over HTTP
  var VOICE_SECONDS = 60;
  var LOG_ENTRIES = 300; // the user's own messages kept for redrawing history after a reload
  var MAX_BACKOFF_MS = 15000;
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

  // ------------------------------------------------------------------ one field of a widget
  // A control for one widget kind: {node, get() -> value | undefined when the user must fix it, focus}.
  function control(spec, name, labelText) {
    var kind = spec.kind || "text";
    var id = "f-" + newId().slice(0, 8);
    var items = Array.isArray(spec.items) ? spec.items : [];
    var required = spec.required !== false;
    function labelled(input, extra) {
      return h("div", { class: "field" }, [labelText ? h("label", { for: id, text: labelText }) : null, input, extra]);
    }
    function textInput(type) {
      var input = h(type === "multiline" ? "textarea" : "input", {
        id: id, name: name, rows: type === "multiline" ? 3 : null,
        type: type === "multiline" ? null : (type === "secret" ? "password" : "text"),
        placeholder: spec.placeholder ? plain(spec.placeholder) : null,
        autocomplete: type === "secret" ? "off" : null, maxlength: spec.max_length, "aria-label": labelText ? null : "answer"
      });
      if (spec.default !== undefined && type !== "secret") input.value = plain(spec.default);
      return { node: labelled(input), input: input, get: function () { return input.value; } };
    }
    if (kind === "text" || kind === "secret" || kind === "multiline") return textInput(kind);
    if (kind === "int" || kind === "number") {
      var number = h("input", { id: id, name: name, type: "number", step: kind === "int" ? "1" : "any",
        min: typeof spec.min === "number" ? spec.min : null, max: typeof spec.max === "number" ? spec.max : null,
        inputmode: kind === "int" ? "numeric" : "decimal", "aria-label": labelText ? null : "number" });
      if (typeof spec.default === "number") number.value = spec.default;
      return { node: labelled(number), input: number, get: function () {
        if (number.value === "") return required ? "" : null;
        var value = Number(number.value);
        return isFinite(value) ? value : number.value;
      } };
    }
    if (kind === "dropdown") {
      var select = h("select", { id: id, name: name }, [h("option", { value: "", text: "Choose…" })].concat(
        items.map(function (item, i) { return h("option", { value: String(i), text: itemTitle(item) }); })));
      return { node: labelled(select), input: select, get: function () {
        return select.value === "" ? (required ? "" : null) : itemValue(items[Number(select.value)]);
      } };
    }
    if (kind === "autocomplete") {
      var listId = id + "-list";
      var box = h("input", { id: id, name: name, type: "text", list: listId, autocomplete: "off", role: "combobox",
        "aria-label": labelText ? null : "search" });
      var datalist = h("datalist", { id: listId }, items.map(function (item) { return h("option", { value: itemTitle(item) }); }));
      return { node: labelled(box, datalist), input: box, get: function () {
        var typed = box.value.trim().toLowerCase();
        var found = items.filter(function (item) { return itemTitle(item).toLowerCase() === typed; })[0];
        return found !== undefined ? itemValue(found) : box.value;
      } };
    }
    var multiple = kind === "multi_choice" || kind === "multi_list_choice" || (kind === "item_picker" && spec.mode === "multiple");
    if (multiple || kind === "single_choice" || kind === "item_picker") {
      var order = [];
      var group = h("fieldset", { class: "choices", role: multiple ? "group" : "radiogroup" },
        labelText ? [h("legend", { text: labelText })] : []);
      items.forEach(function (item, i) {
        var box = h("input", { type: multiple ? "checkbox" : "radio", name: name + "-" + id, value: String(i) });
        var badge = h("span", { class: "order", "aria-hidden": "true" });
        box.addEventListener("change", function () {
          if (kind !== "multi_list_choice") return;
          order = order.filter(function (n) { return n !== i; });
          if (box.checked) order.push(i);
          group.querySelectorAll(".order").forEach(function (el) { el.textContent = ""; });
          order.forEach(function (n, k) { group.querySelectorAll(".order")[n].textContent = String(k + 1); });
        });
        group.append(h("label", { class: "choice" }, [box, itemLabel(item), badge]));
      });
      return { node: h("div", { class: "field" }, group), input: group.querySelector("input"), get: function () {
        var checked = Array.prototype.filter.call(group.querySelectorAll("input"), function (b) { return b.checked; })
          .map(function (b) { return Number(b.value); });
        if (kind === "multi_list_choice") checked = order.slice();
        if (multiple) return checked.map(function (n) { return itemValue(items[n]); });
        return checked.length ? itemValue(items[checked[0]]) : (required ? "" : null);
      } };
    }
    if (kind === "datetime") {
      var when = h("input", { id: id, name: name, type: "datetime-local", "aria-label": labelText ? null : "date and time" });
      return { node: labelled(when, h("span", { class: "hint", text: Intl.DateTimeFormat().resolvedOptions().timeZone || "" })),
        input: when, get: function () {
          if (!when.value) return required ? "" : null;
          var date = new Date(when.value);
          return isNaN(date.getTime()) ? when.value : isoWithOffset(date);
        } };
    }
    if (kind === "duration") {
      var units = [["days", 86400], ["hours", 3600], ["minutes", 60]].map(function (unit) {
        return { seconds: unit[1], input: h("input", { type: "number", min: 0, step: 1, class: "unit", "aria-label": unit[0], placeholder: unit[0] }) };
      });
      var row = h("div", { class: "units" }, units.map(function (u) { return h("label", {}, [u.input, " " + u.input.placeholder]); }));
      return { node: h("div", { class: "field" }, [labelText ? h("span", { class: "label", text: labelText }) : null, row]),
        input: units[0].input, get: function () {
          var total = 0, any = false;
          units.forEach(function (u) { if (u.input.value !== "") { any = true; total += Number(u.input.value) * u.seconds; } });
          return any ? total : (required ? "" : null);
        } };
    }
    if (kind === "location") {
      var lat = h("input", { type: "number", step: "any", min: -90, max: 90, "aria-label": "latitude", placeholder: "latitude" });
      var lon = h("input", { type: "number", step: "any", min: -180, max: 180, "aria-label": "longitude", placeholder: "longitude" });
      var note = h("span", { class: "hint", role: "status" });
      var locate = h("button", { type: "button", class: "secondary", text: "Use my location", onclick: function () {
        if (!navigator.geolocation) { note.textContent = "This browser cannot share a location: type it instead."; return; }
        note.textContent = "Asking the browser…";
        navigator.geolocation.getCurrentPosition(function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lon.value = position.coords.longitude.toFixed(6);
          note.textContent = "Found. Send it, or correct it first.";
        }, function () { note.textContent = "The location is not available: type it instead."; }, { timeout: 10000 });
      } });
      return { node: h("div", { class: "field" }, [locate, h("div", { class: "units" }, [lat, lon]), note]), input: locate,
        get: function () {
          if (lat.value === "" || lon.value === "") return required ? "" : null;
          return { lat: Number(lat.value), lon: Number(lon.value) };
        } };
    }
    if (kind === "multi_values") return multiValues(spec, labelText);
    return textInput("text");
  }

  function multiValues(spec, labelText) {
    var rows = h("div", { class: "rows" });
    var fields = Array.isArray(spec.fields) ? spec.fields : null;
    var pairs = [];
    function addRow(fixedName) {
      var key = h("input", { type: "text", placeholder: "name", "aria-label": "name" });
      var value = h("input", { type: "text", placeholder: "value", "aria-label": "value" });
      if (fixedName !== undefined) { key.value = fixedName; key.readOnly = true; }
      pairs.push([key, value]);
      rows.append(h("div", { class: "units" }, [key, value]));
      return key;
    }
    if (fields) fields.forEach(function (field) { addRow(typeof field === "object" ? plain(field.name) : plain(field)); });
    else addRow();
    var more = fields ? null : h("button", { type: "button", class: "secondary", text: "Add a row", onclick: function () { addRow().focus(); } });
    return { node: h("div", { class: "field" }, [labelText ? h("span", { class: "label", text: labelText }) : null, rows, more]),
      input: pairs[0][fields ? 1 : 0], get: function () {
        var map = {};
        pairs.forEach(function (pair) { if (pair[0].value.trim() && pair[1].value !== "") map[pair[0].value.trim()] = pair[1].value; });
        return map;
      } };
  }

  // ------------------------------------------------------------------ the chat
  function Chat(root, options) {
    this.root = root;
    this.server = (options.server || location.origin).replace(/\/$/, "");
    this.wsUrl = this.server.replace(/^http/, "ws") + "/ws";
    this.key = "bubble-chat:" + this.wsUrl;
    this.session = load(this.key, null);
    this.log = load(this.key + ":log", []);
    this.logIndex = 0;
    this.lastSeq = 0;
    this.outbox = [];
    this.attempts = 0;
    this.ws = null;
    this.ended = false;
    this.activeAsk = null;
    this.secretAsk = false;
    this.step = null;
    this.answeredInStep = false;
    this.formErrors = null;
    this.formValues = {};
    this.loading = {};
    this.build(options);
    this.connect();
  }

  Chat.prototype.build = function (options) {
    var self = this;
    var root = this.root;
    root.classList.add("bubble-chat");
    var theme = load("bubble-chat:theme", null);
    if (theme) root.setAttribute("data-theme", theme);
    this.status = h("span", { class: "status", role: "status", text: "Connecting…" });
    var themeButton = h("button", { type: "button", class: "icon", "aria-label": "Switch between light and dark",
      title: "Light or dark", onclick: function () {
        var dark = root.getAttribute("data-theme") === "dark" ||
          (!root.getAttribute("data-theme") && window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
        root.setAttribute("data-theme", dark ? "light" : "dark");
        save("bubble-chat:theme", dark ? "light" : "dark");
      } }, icon("theme"));
    var header = h("header", { class: "bar" }, [h("strong", { class: "title", text: options.title || "Chat" }), this.status, themeButton]);
    this.stepTitle = h("span", { class: "step-title" });
    this.backButton = h("button", { type: "button", class: "secondary back", text: "← Back", disabled: true,
      onclick: function () { self.back(); } });
    this.stepBar = h("div", { class: "stepbar", hidden: true, "aria-live": "polite" }, [this.stepTitle, this.backButton]);
    this.messages = h("div", { class: "messages", role: "log", "aria-live": "polite", "aria-relevant": "additions",
      "aria-label": "Conversation", tabindex: "0" });
    this.typing = h("div", { class: "typing", hidden: true, "aria-hidden": "true" }, [h("span"), h("span"), h("span")]);
    this.input = h("textarea", { rows: 1, placeholder: "Type a message…", "aria-label": "Message", class: "compose-text" });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); self.sendTyped(); }
    });
    this.fileInput = h("input", { type: "file", hidden: true, "aria-hidden": "true", tabindex: "-1" });
    this.fileInput.addEventListener("change", function () {
      var file = self.fileInput.files[0];
      self.fileInput.value = "";
      if (file) self.sendFile(file, false);
    });
    var attach = h("button", { type: "button", class: "icon", "aria-label": "Send a file", title: "Send a file",
      onclick: function () { self.fileInput.click(); } }, icon("clip"));
    this.mic = h("button", { type: "button", class: "icon", "aria-label": "Record a voice message", "aria-pressed": "false",
      title: "Record a voice message", onclick: function () { self.toggleRecording(); } }, icon("mic"));
    if (!(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) this.mic.hidden = true;
    var place = h("button", { type: "button", class: "icon", "aria-label": "Share my location", title: "Share my location",
      hidden: !navigator.geolocation, onclick: function () { self.shareLocation(); } }, icon("pin"));
    this.sendButton = h("button", { type: "submit", class: "send", text: "Send" });
    this.composer = h("form", { class: "composer", onsubmit: function (event) { event.preventDefault(); self.sendTyped(); } },
      [attach, place, this.mic, this.input, this.fileInput, this.sendButton]);
    this.ending = h("div", { class: "ended", hidden: true }, [h("span", { text: "The conversation has ended." }),
      h("button", { type: "button", class: "secondary", text: "Start a new conversation", onclick: function () { self.startOver(); } })]);
    this.stick = true;
    this.messages.addEventListener("scroll", function () {
      var messages = self.messages;
      self.stick = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 60;
    });
    root.append(header, this.stepBar, this.messages, this.typing, this.ending, this.composer);
    window.addEventListener("online", function () { if (!self.ws) self.connect(); });
  };

  // ------------------------------------------------------------------ connection
  Chat.prototype.connect = function () {
    var self = this;
    clearTimeout(this.retryTimer);
    var ws;
    try { ws = new WebSocket(this.wsUrl); } catch (e) { this.scheduleReconnect(); return; }
    this.ws = ws;
    this.setStatus("Connecting…", "connecting");
    ws.onopen = function () {
      var hello = { type: "hello", v: PROTOCOL };
      if (self.session) { hello.session_id = self.session.session_id; hello.token = self.session.token; hello.last_seq = self.lastSeq; }
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame && typeof frame === "object") self.onFrame(frame);
    };
    ws.onclose = function (event) {
      if (self.ws !== ws) return;
      self.ws = null;
      self.welcomed = false;
      if (event.code === 4401) { self.forget("Your earlier conversation could not be resumed, so a new one has started."); self.connect(); return; }
      self.scheduleReconnect();
    };
  };

  Chat.prototype.scheduleReconnect = function () {
    var self = this;
    var ceiling = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, this.attempts));
    var delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    this.attempts += 1;
    this.setStatus("Offline — reconnecting in " + Math.ceil(delay / 1000) + " s", "offline");
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(function () { self.connect(); }, delay);
  };

  Chat.prototype.setStatus = function (text, state) {
    this.status.textContent = text;
    this.root.setAttribute("data-connection", state);
  };

  Chat.prototype.forget = function (notice) {
    this.session = null;
    this.log = [];
    this.logIndex = 0;
    this.lastSeq = 0;
    this.outbox = [];
    save(this.key, null);
    save(this.key + ":log", []);
    this.messages.textContent = "";
    this.stepBar.hidden = true;
    this.step = null;
    this.ended = false;
    this.ending.hidden = true;
    this.composer.hidden = false;
    if (notice) this.notice(notice, false);
  };

  Chat.prototype.startOver = function () {
    this.forget(null);
    if (this.ws) { var old = this.ws; this.ws = null; old.close(); }
    this.connect();
  };

  Chat.prototype.transmit = function (frame) {
    if (this.ws && this.welcomed && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  };

  Chat.prototype.send = function (frame) {
    frame.id = frame.id || newId();
    this.outbox.push(frame);
    this.transmit(frame);
    if (!this.welcomed) this.setStatus("Offline — your message will be sent when the chat is back", "offline");
    return frame.id;
  };

  // ------------------------------------------------------------------ frames in
  Chat.prototype.onFrame = function (frame) {
    var self = this;
    switch (frame.type) {
      case "welcome":
        this.welcomed = true;
        this.attempts = 0;
        this.session = { session_id: frame.session_id, token: frame.token };
        save(this.key, this.session);
        this.setStatus("Online", "online");
        this.outbox.forEach(function (queued) { self.transmit(queued); });
        this.settleLater();
        return;
      case "ack":
        this.outbox = this.outbox.filter(function (queued) { return queued.id !== frame.id; });
        this.mark(frame.id, "delivered");
        return;
      case "error":
        return this.onError(frame);
      case "close":
        this.ended = true;
        this.ending.hidden = false;
        this.composer.hidden = true;
        this.deactivate();
        return;
    }
    if (typeof frame.seq === "number") {
      if (frame.seq <= this.lastSeq) return; // rendered already: never twice
      this.flushLog(frame.seq);
      this.lastSeq = frame.seq;
    }
    this.typing.hidden = true;
    clearTimeout(this.typingTimer);
    this.render(frame);
    this.settleLater();
  };

  Chat.prototype.onError = function (frame) {
    var self = this;
    var queued = this.outbox.filter(function (f) { return f.id === frame.id; })[0];
    if (queued && (frame.code === "rate_limited" || frame.code === "shutting_down")) {
      setTimeout(function () { self.transmit(queued); }, 1500);
      return;
    }
    if (queued) {
      this.outbox = this.outbox.filter(function (f) { return f !== queued; });
      this.mark(frame.id, "failed");
    }
    if (frame.code !== "unauthorized") this.notice(plain(frame.message || "Something went wrong."), true);
  };

  // After a quiet moment (the replay after a reload is over), the user's last messages are drawn.
  Chat.prototype.settleLater = function () {
    var self = this;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(function () { self.flushLog(Infinity); }, 250);
  };

  Chat.prototype.flushLog = function (beforeSeq) {
    while (this.logIndex < this.log.length && this.log[this.logIndex].after < beforeSeq) {
      var entry = this.log[this.logIndex++];
      this.deactivate();
      this.userBubble(entry.text, null);
    }
  };

  Chat.prototype.remember = function (text) {
    this.flushLog(Infinity);
    this.log.push({ after: this.lastSeq, text: text });
    if (this.log.length > LOG_ENTRIES) this.log = this.log.slice(this.log.length - LOG_ENTRIES);
    this.logIndex = this.log.length;
    save(this.key + ":log", this.log);
  };

  // ------------------------------------------------------------------ drawing
  // New messages keep the view at the bottom unless the user scrolled up to read; pictures that
  // load later (and charts) keep it there too.
  Chat.prototype.append = function (node) {
    var self = this;
    this.messages.append(node);
    node.querySelectorAll("img, video, audio").forEach(function (media) {
      media.addEventListener(media.tagName === "IMG" ? "load" : "loadedmetadata", function () { self.toBottom(); });
    });
    this.toBottom();
    return node;
  };

  Chat.prototype.toBottom = function () {
    if (this.stick) this.messages.scrollTop = this.messages.scrollHeight;
  };

  Chat.prototype.botBubble = function (children, extraClass) {
    return this.append(h("div", { class: "msg bot" + (extraClass ? " " + extraClass : "") }, children));
  };

  Chat.prototype.userBubble = function (text, id) {
    return this.append(h("div", { class: "msg user", "data-id": id }, [h("span", { class: "msg-text", text: text })]));
  };

  Chat.prototype.notice = function (text, alert) {
    return this.append(h("div", { class: "notice" + (alert ? " alert" : ""), role: alert ? "alert" : null, text: text }));
  };

  Chat.prototype.mark = function (id, state) {
    var node = this.messages.querySelector('[data-id="' + String(id).replace(/[^A-Za-z0-9-]/g, "") + '"]');
    if (node) node.setAttribute("data-state", state);
  };

  Chat.prototype.deactivate = function () {
    if (this.activeAsk) { this.activeAsk.disabled = true; this.activeAsk.classList.add("done"); }
    this.activeAsk = null;
    this.secretAsk = false;
  };

  Chat.prototype.activate = function (fieldset, secret) {
    this.deactivate();
    this.activeAsk = fieldset;
    this.secretAsk = !!secret;
  };

  Chat.prototype.render = function (frame) {
    var self = this;
    var type = frame.type;
    if (type === "text") {
      if (frame.ask) this.deactivate();
      var bubble = this.botBubble([h("span", { class: "msg-text", text: plain(frame.text) })],
        frame.widget_error || frame.error ? "problem" : null);
      if (frame.widget_error) this.readFormErrors(plain(frame.text));
      if (frame.url && safeUrl(frame.url, "link")) {
        bubble.textContent = "";
        bubble.append(h("a", { href: safeUrl(frame.url, "link"), target: "_blank", rel: "noopener noreferrer nofollow", text: plain(frame.title || frame.url) }));
      }
      return;
    }
    if (type === "markdown") {
      var body = h("div", { class: "markdown" });
      if (typeof frame.html === "string") body.append(safeMarkdown(frame.html)); else body.textContent = plain(frame.text);
      return this.botBubble(body);
    }
    if (type === "options") return this.renderOptions(frame);
    if (type === "widget") return this.renderWidget(frame);
    if (type === "step") return this.renderStep(frame);
    if (type === "typing") {
      this.typing.hidden = false;
      this.typingTimer = setTimeout(function () { self.typing.hidden = true; }, Math.min(10, Number(frame.seconds) || 1) * 1000);
      return;
    }
    if (type === "table") return this.renderTable(frame);
    if (type === "chart") return this.renderChart(frame);
    if (type === "image") {
      var src = safeUrl(frame.url, "image");
      var caption = frame.caption ? plain(frame.caption) : "";
      return this.botBubble(h("figure", { class: frame.qrcode ? "qrcode" : "picture" }, [
        src ? h("img", { src: src, alt: plain(frame.alt || caption || (frame.qrcode ? "QR code" : "picture")), loading: "lazy" })
          : h("span", { text: "(a picture that cannot be shown)" }),
        caption || frame.qrcode ? h("figcaption", { text: caption || plain(frame.alt) }) : null]));
    }
    if (type === "audio" || type === "video") {
      var media = safeUrl(frame.url, "media");
      return this.botBubble(media ? h(type, { src: media, controls: true, preload: "metadata" },
        [h("a", { href: media, target: "_blank", rel: "noopener noreferrer", text: "Open the " + type })])
        : h("span", { text: "(" + type + " that cannot be played)" }));
    }
    if (type === "file") return this.renderFile(frame);
    if (type === "location") return this.renderLocation(frame);
    if (type === "loading") return this.renderLoading(frame);
    if (type === "event") {
      this.root.dispatchEvent(new CustomEvent("bubble:event", { detail: { name: frame.name, payload: frame.payload } }));
    }
  };

  Chat.prototype.renderOptions = function (frame) {
    var self = this;
    var fieldset = h("fieldset", { class: "quick", "aria-label": "Choose" });
    (Array.isArray(frame.choices) ? frame.choices : []).forEach(function (choice) {
      var title = itemTitle(choice);
      var url = choice && typeof choice === "object" ? safeUrl(choice.url, "link") : null;
      if (url) {
        fieldset.append(h("a", { class: "button secondary", href: url, target: "_blank", rel: "noopener noreferrer nofollow", text: title }));
        return;
      }
      fieldset.append(h("button", { type: "button", text: title, onclick: function () {
        var bubble = self.answered(title);
        bubble.setAttribute("data-id", self.send({ type: "choice", value: itemValue(choice) }));
      } }));
    });
    this.botBubble([frame.text ? h("span", { class: "msg-text", text: plain(frame.text) }) : null, fieldset], "ask");
    this.activate(fieldset, false);
  };

  // The user answered the open question: their bubble, the question closed, remembered for reloads.
  Chat.prototype.answered = function (summary, secret) {
    var shown = secret ? "••••••" : summary;
    this.deactivate();
    this.answeredInStep = true;
    this.updateBack();
    this.remember(shown);
    return this.userBubble(shown, null);
  };

  Chat.prototype.renderWidget = function (frame) {
    var self = this;
    var spec = frame.widget && typeof frame.widget === "object" ? frame.widget : { kind: "text" };
    var kind = spec.kind;
    var fieldset = h("fieldset", { class: "widget widget-" + String(kind).replace(/[^a-z_]/g, ""),
      "aria-label": plain(frame.text) || "Answer" });
    var form = h("form", { class: "widget-form", novalidate: true }, fieldset);
    var bubble = this.botBubble([h("span", { class: "msg-text", text: plain(frame.text) }), form], "ask");
    if (spec.caption) fieldset.append(h("p", { class: "hint", text: plain(spec.caption) }));
    var first = null;
    if (kind === "confirm") {
      if (spec.data && typeof spec.data === "object") {
        fieldset.append(h("dl", { class: "confirm-data" }, Object.keys(spec.data).reduce(function (all, key) {
          return all.concat([h("dt", { text: key }), h("dd", { text: plain(spec.data[key]) })]);
        }, [])));
      }
      first = h("button", { type: "button", text: "Yes", onclick: function () { self.submit(true, "Yes"); } });
      fieldset.append(h("div", { class: "actions" }, [first,
        h("button", { type: "button", class: "secondary", text: "No", onclick: function () { self.submit(false, "No"); } })]));
    } else if (kind === "upload") {
      first = this.uploadControl(spec, fieldset);
    } else if (kind === "captcha") {
      first = this.captchaControl(spec, fieldset);
    } else if (kind === "form") {
      first = this.formControl(spec, fieldset, form);
    } else {
      var field = control(spec, "answer", null);
      fieldset.append(field.node, h("div", { class: "actions" }, h("button", { type: "submit", text: "Send" })));
      first = field.input;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var value = field.get();
        self.submit(value, self.summarize(value, spec), kind === "secret");
      });
    }
    this.activate(fieldset, kind === "secret");
    if (first && this.welcomed) first.focus({ preventScroll: true });
    return bubble;
  };

  Chat.prototype.summarize = function (value, spec) {
    var items = Array.isArray(spec.items) ? spec.items : [];
    function title(v) {
      var found = items.filter(function (item) { return itemValue(item) === v; })[0];
      return found !== undefined ? itemTitle(found) : plain(v);
    }
    if (Array.isArray(value)) return value.length ? value.map(title).join(", ") : "(none)";
    if (value && typeof value === "object") {
      if (typeof value.lat === "number") return "Location: " + value.lat + ", " + value.lon;
      return Object.keys(value).map(function (k) { return k + ": " + plain(value[k]); }).join("; ");
    }
    if (spec.kind === "duration" && typeof value === "number") return formatDuration(value);
    if (spec.kind === "datetime" && typeof value === "string" && value) return value.replace("T", " ").slice(0, 16);
    return value === null ? "(skipped)" : title(value);
  };

  Chat.prototype.submit = function (value, summary, secret) {
    var bubble = this.answered(summary, secret);
    bubble.setAttribute("data-id", this.send({ type: "submit", data: value }));
  };

  Chat.prototype.formControl = function (spec, fieldset, form) {
    var self = this;
    var fields = Array.isArray(spec.fields) ? spec.fields : [];
    var memoryKey = JSON.stringify(fields);
    var before = this.formValues[memoryKey] || {};
    var errors = this.formErrors || {};
    this.formErrors = null;
    var controls = fields.map(function (field) {
      var label = plain(field.label || field.name);
      var made = control(field, plain(field.name), label);
      var problem = errors[label.toLowerCase()] || errors[plain(field.name).toLowerCase()];
      if (before[field.name] !== undefined && made.input && "value" in made.input && field.kind !== "secret" &&
          made.input.tagName !== "FIELDSET" && made.input.type !== "button") {
        if (made.input.tagName === "SELECT") {
          (field.items || []).forEach(function (item, i) { if (itemValue(item) === before[field.name]) made.input.value = String(i); });
        } else if (typeof before[field.name] !== "object") made.input.value = plain(before[field.name]);
      }
      if (problem) {
        var errorId = "e-" + newId().slice(0, 8);
        made.node.classList.add("invalid");
        made.node.append(h("span", { class: "field-error", id: errorId, text: problem }));
        if (made.input) { made.input.setAttribute("aria-invalid", "true"); made.input.setAttribute("aria-describedby", errorId); }
      }
      fieldset.append(made.node);
      return { field: field, made: made, invalid: !!problem };
    });
    fieldset.append(h("div", { class: "actions" }, h("button", { type: "submit", text: "Send" })));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = {}, shown = [];
      controls.forEach(function (c) {
        var got = c.made.get();
        if (got === null) return;
        value[c.field.name] = got;
        if (got === "" || (Array.isArray(got) && !got.length)) return;
        shown.push(plain(c.field.label || c.field.name) + ": " + (c.field.kind === "secret" ? "••••••" : self.summarize(got, c.field)));
      });
      self.formValues[memoryKey] = value;
      self.submit(value, shown.join("; "));
    });
    var firstBad = controls.filter(function (c) { return c.invalid; })[0] || controls[0];
    return firstBad ? firstBad.made.input : null;
  };

  // "Please fix these fields:\n- Label: reason" before a form is asked again: each reason goes to its field.
  Chat.prototype.readFormErrors = function (text) {
    var lines = text.split("\n");
    if (lines.length < 2) return;
    var found = {};
    lines.slice(1).forEach(function (line) {
      var match = /^- ([^:]+): (.*)$/.exec(line);
      if (match) found[match[1].trim().toLowerCase()] = match[2];
    });
    if (Object.keys(found).length) this.formErrors = found;
  };

  Chat.prototype.uploadControl = function (spec, fieldset) {
    var self = this;
    var types = Array.isArray(spec.types) ? spec.types.map(plain) : [];
    var accept = types.map(function (t) { return t.indexOf("/") >= 0 || t.charAt(0) === "." ? t : "." + t; }).join(",");
    var picker = h("input", { type: "file", accept: accept || null, "aria-label": "Choose a file" });
    var info = h("p", { class: "hint", role: "status", text: types.length ? "Allowed: " + types.join(", ") : "" });
    var sendButton = h("button", { type: "button", text: "Upload", disabled: true });
    picker.addEventListener("change", function () {
      var file = picker.files[0];
      sendButton.disabled = !file;
      if (!file) return;
      var problems = [];
      if (typeof spec.max_size === "number" && file.size > spec.max_size) problems.push("over the limit of " + formatSize(spec.max_size));
      info.textContent = file.name + " — " + (file.type || "unknown type") + " — " + formatSize(file.size) +
        (problems.length ? " (" + problems.join("; ") + ": the bot will refuse it)" : "");
    });
    sendButton.addEventListener("click", function () { if (picker.files[0]) self.sendFile(picker.files[0], true); });
    fieldset.append(picker, info, h("div", { class: "actions" }, sendButton));
    return picker;
  };

  Chat.prototype.captchaControl = function (spec, fieldset) {
    var self = this;
    var src = safeUrl(spec.image, "image");
    var answer = h("input", { type: "text", autocomplete: "off", autocapitalize: "characters", "aria-label": "The characters in the picture" });
    var player = h("audio", { controls: true, hidden: true });
    var listen = h("button", { type: "button", class: "secondary", text: "Listen instead", onclick: function () {
      listen.disabled = true;
      fetch(self.server + "/webchat/captcha-audio", { method: "POST", headers: self.authHeaders() })
        .then(function (response) { if (!response.ok) throw new Error("no audio"); return response.blob(); })
        .then(function (blob) { player.src = URL.createObjectURL(blob); player.hidden = false; player.play().catch(function () {}); })
        .catch(function () { self.notice("The audio could not be loaded; try the picture.", true); })
        .then(function () { listen.disabled = false; });
    } });
    fieldset.append(src ? h("img", { src: src, alt: "A picture of characters to type (use Listen instead if you cannot see it)", class: "captcha" }) : null,
      h("div", { class: "units" }, [listen, player]),
      h("label", {}, ["Characters ", answer]),
      typeof spec.tries_left === "number" ? h("p", { class: "hint", text: spec.tries_left + " tries left" }) : null,
      h("div", { class: "actions" }, h("button", { type: "submit", text: "Send" })));
    fieldset.parentNode.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submit(answer.value, "(captcha answer)", true);
    });
    return answer;
  };

  Chat.prototype.renderStep = function (frame) {
    this.step = frame;
    this.answeredInStep = false;
    this.stepBar.hidden = false;
    this.stepTitle.textContent = "Step " + plain(frame.index) + " of " + plain(frame.total) + " — " + plain(frame.title);
    this.updateBack();
    this.append(h("div", { class: "step-divider", text: this.stepTitle.textContent }));
  };

  Chat.prototype.updateBack = function () {
    this.backButton.disabled = !this.step || !(this.step.can_back || this.answeredInStep);
  };

  Chat.prototype.back = function () {
    this.deactivate();
    this.remember("← Back");
    this.userBubble("← Back", this.send({ type: "back" }));
  };

  Chat.prototype.renderTable = function (frame) {
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

  Chat.prototype.renderChart = function (frame) {
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

  Chat.prototype.plotly = function () {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    var server = this.server;
    if (!Chat.plotlyLoading) {
      Chat.plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = server + "/webchat/plotly.min.js";
        script.onload = function () { window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly")); };
        script.onerror = function () { Chat.plotlyLoading = null; reject(new Error("no Plotly")); };
        document.head.append(script);
      });
    }
    return Chat.plotlyLoading;
  };

  Chat.prototype.renderFile = function (frame) {
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

  Chat.prototype.renderLocation = function (frame) {
    var lat = Number(frame.lat), lon = Number(frame.lon);
    if (!isFinite(lat) || !isFinite(lon)) return this.botBubble(h("span", { text: "(a location that cannot be shown)" }));
    var svg = icon("pin", "pin");
    var map = "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=15/" + lat + "/" + lon;
    return this.botBubble(h("div", { class: "location" }, [svg, h("div", {}, [
      h("div", { text: lat.toFixed(5) + ", " + lon.toFixed(5) }),
      h("a", { href: map, target: "_blank", rel: "noopener noreferrer", text: "Open the map" })])]), "place");
  };

  Chat.prototype.renderLoading = function (frame) {
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

  // ------------------------------------------------------------------ sending
  Chat.prototype.sendTyped = function () {
    var text = this.input.value;
    if (!text.trim() || this.ended) return;
    this.input.value = "";
    var secret = this.secretAsk;
    var bubble = this.answered(text, secret);
    var id = this.send({ type: "message", text: text });
    bubble.setAttribute("data-id", id);
  };

  Chat.prototype.authHeaders = function () {
    return { "X-Bubble-Session": this.session ? this.session.session_id : "", "Authorization": "Session " + (this.session ? this.session.token : "") };
  };

  Chat.prototype.sendFile = function (file, forWidget, voice) {
    var self = this;
    var label = voice ? "Voice message" : "File: " + file.name + " (" + formatSize(file.size) + ")";
    var bubble = this.answered(label, false);
    if (voice) bubble.append(h("audio", { src: URL.createObjectURL(file), controls: true }));
    else if (/^image\/(png|jpeg|gif|webp)$/.test(file.type)) bubble.append(h("img", { src: URL.createObjectURL(file), alt: file.name, class: "sent-picture" }));
    var mime = file.type || "application/octet-stream";
    if (file.size <= INLINE_BYTES) {
      file.arrayBuffer().then(function (buffer) {
        var frame = voice ? { type: "voice", mime: mime, base64: toBase64(buffer) }
          : { type: "file", name: file.name, mime: mime, base64: toBase64(buffer) };
        bubble.setAttribute("data-id", self.send(frame));
      });
      return;
    }
    var id = newId();
    bubble.setAttribute("data-id", id);
    var headers = this.authHeaders();
    headers["X-Bubble-Id"] = id;
    headers["X-Bubble-Name"] = encodeURIComponent(file.name || "voice");
    headers["Content-Type"] = mime;
    fetch(this.server + "/webchat/upload" + (voice ? "?voice=1" : ""), { method: "POST", headers: headers, body: file })
      .then(function (response) {
        if (response.ok) { self.mark(id, "delivered"); return; }
        return response.json().then(function (problem) { throw new Error(problem.message); });
      })
      .catch(function (error) {
        self.mark(id, "failed");
        self.notice("The file was not sent: " + (error && error.message ? error.message : "the server cannot be reached") + ".", true);
      });
  };

  // The browser's position as a location input (`dialog location:` triggers), after the user allows it.
  Chat.prototype.shareLocation = function () {
    var self = this;
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = Number(position.coords.latitude.toFixed(6)), lon = Number(position.coords.longitude.toFixed(6));
      var bubble = self.answered("Location: " + lat + ", " + lon, false);
      bubble.setAttribute("data-id", self.send({ type: "location", lat: lat, lon: lon }));
    }, function () { self.notice("The location is not available in this browser.", true); }, { timeout: 10000 });
  };

  Chat.prototype.toggleRecording = function () {
    var self = this;
    if (this.recorder) { this.recorder.stop(); return; }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var chunks = [];
      var recorder = new MediaRecorder(stream);
      self.recorder = recorder;
      self.mic.setAttribute("aria-pressed", "true");
      self.mic.classList.add("recording");
      self.setStatus("Recording… press the microphone again to send", "recording");
      var limit = setTimeout(function () { if (recorder.state !== "inactive") recorder.stop(); }, VOICE_SECONDS * 1000);
      recorder.ondataavailable = function (event) { if (event.data.size) chunks.push(event.data); };
      recorder.onstop = function () {
        clearTimeout(limit);
        stream.getTracks().forEach(function (track) { track.stop(); });
        self.recorder = null;
        self.mic.setAttribute("aria-pressed", "false");
        self.mic.classList.remove("recording");
        self.setStatus(self.welcomed ? "Online" : "Offline", self.welcomed ? "online" : "offline");
        var blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
        if (blob.size) self.sendFile(blob, false, true);
      };
      recorder.start(250);
    }).catch(function () { self.notice("The microphone is not available.", true); });
  };

  // ------------------------------------------------------------------ entry points
  window.BubbleChat = {
    mount: function (element, options) { return new Chat(element, options || {}); },
    version: PROTOCOL
  };

  function autostart() {
    var node = document.querySelector("[data-bubble-autostart]");
    if (node && !node.bubbleChat) node.bubbleChat = window.BubbleChat.mount(node, { title: document.title });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autostart); else autostart();
})();
