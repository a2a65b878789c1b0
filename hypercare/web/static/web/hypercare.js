/* Hypercare's small progressive enhancements. Every page works without them. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  /* Screenshots: drop files on the zone or paste an image; they join the file input. */
  function setUpDropzone(zone) {
    var input = zone.querySelector("input[type=file]");
    var list = zone.querySelector(".dropzone__list");
    if (!input || typeof DataTransfer === "undefined") return;
    zone.classList.add("dropzone--enhanced");

    /* Files of a type the server refuses are refused here first, from the same list
       (the input's data-accepted-* attributes); the server still checks the bytes. */
    var refusedNote = zone.querySelector("[data-dropzone-refused]");
    var types = (input.dataset.acceptedTypes || "").split(" ");
    var names = (input.dataset.acceptedNames || "").split(" ").filter(Boolean);
    function accepted(file) {
      if (!input.dataset.acceptedTypes || types.indexOf(file.type) >= 0) return true;
      var lower = file.name.toLowerCase();
      return names.some(function (end) { return lower.slice(-end.length) === end; });
    }
    function keepAccepted(files) {
      var kept = new DataTransfer();
      var refused = [];
      Array.prototype.forEach.call(files, function (f) {
        if (accepted(f)) kept.items.add(f);
        else refused.push(f.name);
      });
      if (refusedNote) {
        refusedNote.hidden = !refused.length;
        refusedNote.textContent = refused.length
          ? refused.join(", ") + (refused.length === 1
            ? " was not added: its type is not accepted."
            : " were not added: their type is not accepted.") +
            " Send " + input.dataset.acceptedDescription + "."
          : "";
      }
      return kept.files;
    }

    function show() {
      list.innerHTML = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        if (file.type.indexOf("image/") === 0) {
          var img = document.createElement("img");
          img.alt = "";
          img.src = URL.createObjectURL(file);
          item.appendChild(img);
        }
        item.appendChild(document.createTextNode(file.name));
        list.appendChild(item);
      });
    }

    function add(files) {
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(keepAccepted(files), function (f) { all.items.add(f); });
      input.files = all.files;
      show();
    }

    input.addEventListener("change", function () {
      input.files = keepAccepted(input.files);
      show();
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone--over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone--over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) add(event.dataTransfer.files);
    });
    document.addEventListener("paste", function (event) {
      var items = (event.clipboardData && event.clipboardData.files) || [];
      if (!items.length) return;
      event.preventDefault();
      var named = Array.prototype.map.call(items, function (file, i) {
        var stamp = new Date().toISOString().replace(/[:.]/g, "-");
        var ext = (file.type.split("/")[1] || "png").replace("jpeg", "jpg");
        return new File([file], "pasted-" + stamp + "-" + (i + 1) + "." + ext, { type: file.type });
      });
      add(named);
    });
  }

  /* Saved replies: insert the filled-in text where the cursor is. */
  function setUpSavedReplies(select) {
    var fallback = select.form.querySelector("[data-no-js]");
    if (fallback) fallback.hidden = true;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      /* Looked up each time: sending swaps the composer's form for a fresh one. */
      var target = document.getElementById(select.dataset.target);
      if (!option.dataset.url || !target) return;
      fetch(option.dataset.url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (text) {
          insertAtCursor(target, text);
          select.selectedIndex = 0;
        });
    });
  }

  /* Text from the server put where the cursor is in a composer (the draft keeps it). */
  function insertAtCursor(target, text) {
    var start = target.selectionStart || 0;
    var end = target.selectionEnd || 0;
    target.value = target.value.slice(0, start) + text + target.value.slice(end);
    target.focus();
    target.selectionStart = target.selectionEnd = start + text.length;
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  /* A knowledge article's link or text into the reply: the server says what to insert,
     or why not (its refusal is shown as the page's alerts show every other). */
  function setUpInsertButton(button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.dataset.target);
      if (!target) return;
      /* As an htmx request, a refusal comes as the alert fragment the page shows. */
      var headers = { "HX-Request": "true" };
      fetch(button.dataset.insertUrl, { credentials: "same-origin", headers: headers })
        .then(function (response) {
          return response.text().then(function (text) { return { ok: response.ok, text: text }; });
        })
        .then(function (answer) {
          if (answer.ok) {
            var tab = document.getElementById("tab-reply");
            if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
            insertAtCursor(target, answer.text);
          } else {
            var alerts = document.getElementById("alerts");
            if (alerts) alerts.innerHTML = answer.text;
          }
        });
    });
  }

  /* Reply or internal note: two tabs, so the difference is always in view. */
  function setUpTabs(root) {
    var tablist = root.querySelector("[role=tablist]");
    var tabs = Array.prototype.slice.call(root.querySelectorAll("[role=tab]"));
    tablist.hidden = false;
    function select(tab, focus) {
      tabs.forEach(function (other) {
        var on = other === tab;
        other.setAttribute("aria-selected", on ? "true" : "false");
        other.tabIndex = on ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (step) select(tabs[(index + step + tabs.length) % tabs.length], true);
      });
    });
    var current = tabs.filter(function (t) { return t.getAttribute("aria-selected") === "true"; })[0];
    select(current || tabs[0], false);
  }

  /* Bulk changes: select all on the page, and say how many are ticked. */
  function setUpBulk(form) {
    var all = form.querySelector("[data-bulk-all]");
    var count = form.querySelector("[data-bulk-count]");
    function boxes() { return form.querySelectorAll("input[name=ticket]"); }
    function update() {
      var n = form.querySelectorAll("input[name=ticket]:checked").length;
      count.textContent = n + " selected";
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    var action = form.querySelector("[name=action]");
    function showChoice() {
      form.querySelector("[name=assignee]").hidden = action.value !== "assign";
      form.querySelector("[name=status]").hidden = action.value !== "status";
    }
    action.addEventListener("change", showChoice);
    form.addEventListener("change", update);
    showChoice();
    update();
  }

  /* Optional parts of a long form start folded on a phone, unless they hold something. */
  function setUpFold(details) {
    var fields = details.querySelectorAll("input, textarea, select");
    var filled = Array.prototype.some.call(fields, function (f) { return f.value; });
    var narrow = window.matchMedia("(max-width: 640px)").matches;
    if (narrow && !filled && !details.querySelector(".field-error")) details.open = false;
  }

  /* Composers (reply or note): the draft is kept in this browser per ticket and composer
     until sent, so leaving the page or another change on it never loses it (the server
     marks the fresh form it sends back after a send with data-draft-sent); Ctrl+Enter
     (Cmd+Enter on a Mac) sends. */
  function browserStorage() {
    try {
      window.localStorage.setItem("hypercare:probe", "1");
      window.localStorage.removeItem("hypercare:probe");
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function setUpComposer(form) {
    var store = browserStorage();
    var box = form.querySelector("textarea");
    var key = form.dataset.draft;
    form.addEventListener("keydown", function (event) {
      var send = event.key === "Enter" && (event.ctrlKey || event.metaKey);
      if (!send || event.target.tagName !== "TEXTAREA") return;
      event.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    });
    if (!store || !box) return;
    if (form.hasAttribute("data-draft-sent")) store.removeItem(key);
    else if (!box.value && store.getItem(key)) box.value = store.getItem(key);
    box.addEventListener("input", function () {
      if (box.value.trim()) store.setItem(key, box.value);
      else store.removeItem(key);
    });
  }

  /* Who sees a reason: its checkbox switches the words said next to the field. */
  function setUpVisibilitySwitch(box) {
    var field = box.form && box.form.querySelector("[name='" + box.dataset.visibilityOf + "']");
    var help = field && field.closest(".field").querySelector(".help");
    if (!help) return;
    function update() {
      var seen = box.checked === (box.dataset.publicWhenTicked === "true");
      help.textContent = seen ? box.dataset.publicText : box.dataset.internalText;
      help.classList.toggle("help--public", seen);
    }
    box.addEventListener("change", update);
    update();
  }

  /* Queue: one tab stop per row with j/k to move, Enter to open, x to tick and ? for help;
     the bulk bar only while tickets are ticked; and filters that change the list when a
     choice is made, not on every arrow key that passes over an option. */
  var BROWSING_KEYS = /^(ArrowUp|ArrowDown|ArrowLeft|ArrowRight|Home|End|PageUp|PageDown|.)$/;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-row]"));
  }

  function rowOf(element) {
    return element && element.closest ? element.closest("[data-queue-row]") : null;
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(rowOf(document.activeElement));
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : at + step;
    next = Math.min(Math.max(next, 0), all.length - 1);
    var link = all[next].querySelector(".queue__ticket a");
    link.focus();
    link.scrollIntoView({ block: "nearest" });
  }

  function isTyping(element) {
    if (!element) return false;
    if (element.isContentEditable || /^(TEXTAREA|SELECT)$/.test(element.tagName)) return true;
    return element.tagName === "INPUT" && !/^(checkbox|radio|button|submit)$/.test(element.type);
  }

  /* The ticket link is the row's one tab stop; its box is ticked with x. */
  function setUpRows(table) {
    table.querySelectorAll("[data-queue-row] input[name=ticket]").forEach(function (box) {
      box.tabIndex = -1;
    });
    var hint = document.querySelector("[data-queue-keyhint]");
    if (hint) hint.hidden = false;
  }

  function setUpBulkBar(form) {
    function update() {
      form.classList.toggle("bulk--idle", !form.querySelector("input[name=ticket]:checked"));
    }
    form.addEventListener("change", update);
    update();
    /* "Select all" ticked before the scripts ran: apply it now, or the bar stays hidden. */
    var all = form.querySelector("[data-bulk-all]");
    if (all && all.checked) all.dispatchEvent(new Event("change", { bubbles: true }));
  }

  /* Arrow keys on a closed select change its value and fire "change" each time: hold
     those back and apply the choice on Enter or when the filter is left. */
  function setUpFilters(form) {
    function commit(select) {
      if (!select.dataset.browsed) return;
      delete select.dataset.browsed;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    form.addEventListener("keydown", function (event) {
      var select = event.target;
      if (select.tagName !== "SELECT") return;
      if (event.key === "Enter" && select.dataset.browsed) {
        event.preventDefault();
        commit(select);
      } else if (BROWSING_KEYS.test(event.key)) {
        select.dataset.browsing = "yes";
      }
    });
    form.addEventListener("keyup", function (event) {
      delete event.target.dataset.browsing;
    });
    form.addEventListener(
      "change",
      function (event) {
        var select = event.target;
        if (select.tagName === "SELECT" && select.dataset.browsing) {
          event.stopPropagation();
          select.dataset.browsed = "yes";
        }
      },
      true
    );
    form.addEventListener("focusout", function (event) {
      if (event.target.tagName === "SELECT") commit(event.target);
    });
  }

  function setUpHelp(button) {
    var dialog = document.getElementById("queue-keys");
    if (!dialog) return;
    button.hidden = false;
    button.addEventListener("click", function () { dialog.showModal(); });
  }


  function onKey(event) {
    var dialog = document.getElementById("queue-keys");
    if (!dialog || dialog.open || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(document.activeElement)) return;
    var row = rowOf(document.activeElement);
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
    } else if (event.key === "x" && row) {
      event.preventDefault();
      row.querySelector("input[name=ticket]").click();
    } else if (event.key === "?") {
      event.preventDefault();
      dialog.showModal();
    }
  }

  /* The elements each set-up has enhanced: htmx swaps in parts that hold some again, and
     one element may have several set-ups ([data-bulk]: the counter, then the queue's bar). */
  var enhanced = new WeakMap();

  function once(root, selector, setUp) {
    if (!enhanced.has(setUp)) enhanced.set(setUp, new WeakSet());
    var done = enhanced.get(setUp);
    root.querySelectorAll(selector).forEach(function (element) {
      if (done.has(element)) return;
      done.add(element);
      setUp(element);
    });
  }

  function enhance(root) {
    once(root, "[data-dropzone]", setUpDropzone);
    once(root, "[data-saved-reply]", setUpSavedReplies);
    once(root, "[data-insert-url]", setUpInsertButton);
    once(root, "[data-tabs]", setUpTabs);
    once(root, "[data-bulk]", setUpBulk);
    once(root, "[data-fold-narrow]", setUpFold);
    once(root, "[data-composer]", setUpComposer);
    once(root, "[data-visibility-of]", setUpVisibilitySwitch);
    once(root, "[data-queue]", setUpRows);
    once(root, "[data-bulk]", setUpBulkBar);
    once(root, "[data-queue-filters]", setUpFilters);
    once(root, "[data-queue-help]", setUpHelp);
    root.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    root.querySelectorAll("[data-no-js]").forEach(function (el) { el.hidden = true; });
  }

  /* "/" jumps to the search box, as in most desks. */
  function onSlash(event) {
    var search = document.querySelector("[data-search]");
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if (event.key === "/" && search && !typing) {
      event.preventDefault();
      search.focus();
    }
  }

  ready(function () {
    enhance(document);
    document.body.addEventListener("htmx:load", function (event) {
      var elt = event.detail.elt;
      if (elt && elt.querySelectorAll) enhance(elt.parentNode || elt);
    });
    document.addEventListener("keydown", onSlash);
    document.addEventListener("keydown", onKey);
  });
})();
