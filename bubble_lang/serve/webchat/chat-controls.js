/* bubble's web chat, part 2 of 4: widget questions drawn as real controls (SPEC §8). `control`
 * makes one field of a kind; the methods draw a whole question (forms, uploads, captchas) and
 * send its value. Nothing is checked here that matters: the server checks every answer. */
(function () {
  "use strict";
  if (window.BubbleChatKit.widgetMethods) return;
  var kit = window.BubbleChatKit;
  var h = kit.h, safeUrl = kit.safeUrl, newId = kit.newId, plain = kit.plain,
    formatDuration = kit.formatDuration, formatSize = kit.formatSize, isoWithOffset = kit.isoWithOffset,
    itemTitle = kit.itemTitle, itemValue = kit.itemValue, itemLabel = kit.itemLabel;
  var methods = {};

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


  // ------------------------------------------------------------------ widget questions (Chat methods)
  methods.renderWidget = function (frame) {
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

  methods.summarize = function (value, spec) {
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

  methods.submit = function (value, summary, secret) {
    var bubble = this.answered(summary, secret);
    bubble.setAttribute("data-id", this.send({ type: "submit", data: value }));
  };

  methods.formControl = function (spec, fieldset, form) {
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
  methods.readFormErrors = function (text) {
    var lines = text.split("\n");
    if (lines.length < 2) return;
    var found = {};
    lines.slice(1).forEach(function (line) {
      var match = /^- ([^:]+): (.*)$/.exec(line);
      if (match) found[match[1].trim().toLowerCase()] = match[2];
    });
    if (Object.keys(found).length) this.formErrors = found;
  };

  methods.uploadControl = function (spec, fieldset) {
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

  methods.captchaControl = function (spec, fieldset) {
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


  window.BubbleChatKit.control = control;
  window.BubbleChatKit.widgetMethods = methods;
})();
