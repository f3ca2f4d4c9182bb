/* Puts bubble's web chat on any page with one tag:
 *   <script src="https://bot.example.com/webchat/embed.js" async></script>
 * A round button opens the chat in a panel; the chat lives in a shadow root (the site's CSS and
 * ours stay apart) and talks to the server this file came from. The server decides which sites
 * may (its Origin allow-list: `[serve] origins` in bubble.toml). Options on the tag:
 * data-title="Ask us" (the panel's title), data-open (start open).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__bubbleEmbed) return;
  window.__bubbleEmbed = true;
  var server = new URL(script.src, location.href).origin;
  var title = script.getAttribute("data-title") || "Chat";
  var host = document.createElement("div");
  host.setAttribute("data-bubble-embed", "");
  host.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;";
  var shadow = host.attachShadow({ mode: "open" });
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = server + "/webchat/chat.css";
  var frame = document.createElement("style");
  frame.textContent = ".panel{width:min(380px,calc(100vw - 32px));height:min(600px,calc(100vh - 96px));" +
    "border-radius:14px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.25);margin-bottom:12px}" +
    ".launcher{float:right;width:56px;height:56px;border-radius:50%;border:0;background:#1f6feb;color:#fff;" +
    "display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3)}.launcher:focus-visible{outline:3px solid #ffbf47}";
  var panel = document.createElement("div");
  panel.className = "panel";
  panel.hidden = true;
  var chat = document.createElement("div");
  chat.style.height = "100%";
  panel.append(chat);
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  var glyph = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  glyph.setAttribute("viewBox", "0 0 24 24");
  glyph.setAttribute("width", "28");
  glyph.setAttribute("height", "28");
  glyph.setAttribute("fill", "currentColor");
  glyph.setAttribute("aria-hidden", "true");
  var shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
  shape.setAttribute("d", "M4 4h16v12H8l-4 4V4z");
  glyph.append(shape);
  launcher.append(glyph);
  launcher.setAttribute("aria-label", "Open the chat: " + title);
  launcher.setAttribute("aria-expanded", "false");
  shadow.append(style, frame, panel, launcher);
  var mounted = false;

  function mount() {
    if (mounted) return;
    mounted = true;
    var start = function () { window.BubbleChat.mount(chat, { server: server, title: title }); };
    if (window.BubbleChat) return start();
    var parts = ["chat-kit.js", "chat-controls.js", "chat-content.js", "chat.js"];
    (function next() {  // in order: each part uses the ones before it
      if (!parts.length) return start();
      var code = document.createElement("script");
      code.src = server + "/webchat/" + parts.shift();
      code.onload = next;
      document.head.append(code);
    })();
  }

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", (open ? "Close" : "Open") + " the chat: " + title);
    if (open) mount();
  }
  launcher.addEventListener("click", function () { toggle(panel.hidden); });
  function place() { document.body.append(host); if (script.hasAttribute("data-open")) toggle(true); }
  if (document.body) place(); else document.addEventListener("DOMContentLoaded", place);
})();
