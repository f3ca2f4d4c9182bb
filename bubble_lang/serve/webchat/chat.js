/* bubble's web chat: one conversation over `/ws` (docs/protocol.md), every frame and widget drawn
 * as a real control. No dependencies, no build step: four files loaded in order (chat-kit.js,
 * chat-controls.js, chat-content.js, then this one). This part: the connection, sessions and
 * delivery, the conversation view, steps and Back, and what a user sends. See chat-kit.js for
 * the safety rules every part follows.
 */
(function () {
  "use strict";
  if (window.BubbleChat) return;

  var PROTOCOL = 1;
  var INLINE_BYTES = 45000; // files up to this go in a `file`/`voice` frame; larger ones over HTTP
  var VOICE_SECONDS = 60;
  var LOG_ENTRIES = 300; // the user's own messages kept for redrawing history after a reload
  var MAX_BACKOFF_MS = 15000;

  var kit = window.BubbleChatKit;
  var h = kit.h, icon = kit.icon, safeUrl = kit.safeUrl, newId = kit.newId, plain = kit.plain,
    formatSize = kit.formatSize, toBase64 = kit.toBase64, load = kit.load, save = kit.save,
    safeMarkdown = kit.safeMarkdown, itemTitle = kit.itemTitle, itemValue = kit.itemValue;

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
      onclick: function () { self.fileInput.accept = ""; self.fileInput.click(); } }, icon("clip"));
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
      var offer = frame.ask ? this.mediaButtons(frame.media) : null;
      var bubble = this.botBubble([h("span", { class: "msg-text", text: plain(frame.text) }), offer],
        frame.widget_error || frame.error ? "problem" : null);
      if (offer) this.activate(offer, false);
      if (frame.widget_error) this.readFormErrors(plain(frame.text));
      if (frame.url && frame.content !== "contact" && safeUrl(frame.url, "link")) {
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
    var offer = this.mediaButtons(frame.media);  // `expecting: [:image, "Skip"]`: both kinds of answer
    while (offer && offer.firstChild) fieldset.append(offer.firstChild);
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

  // `ask …, expecting: :image` (or :location, …): a button per kind of media the question waits for.
  var MEDIA_LABELS = { image: "Send a picture", video: "Send a video", audio: "Send an audio file",
    voice: "Record a voice message", file: "Send a file", location: "Share my location" };
  var MEDIA_ACCEPT = { image: "image/*", video: "video/*", audio: "audio/*" };
  Chat.prototype.mediaButtons = function (media) {
    var self = this;
    var fieldset = h("fieldset", { class: "quick", "aria-label": "Send" });
    (Array.isArray(media) ? media : []).forEach(function (kind) {
      if (!Object.prototype.hasOwnProperty.call(MEDIA_LABELS, kind)) return;
      if ((kind === "location" && !navigator.geolocation) || (kind === "voice" && self.mic.hidden)) return;
      fieldset.append(h("button", { type: "button", text: MEDIA_LABELS[kind], onclick: function () {
        if (kind === "location") self.shareLocation();
        else if (kind === "voice") self.toggleRecording();
        else { self.fileInput.accept = MEDIA_ACCEPT[kind] || ""; self.fileInput.click(); }
      } }));
    });
    return fieldset.children.length ? fieldset : null;
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

  Object.assign(Chat.prototype, kit.widgetMethods, kit.contentMethods);

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
