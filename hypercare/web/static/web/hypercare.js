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
      Array.prototype.forEach.call(files, function (f) { all.items.add(f); });
      input.files = all.files;
      show();
    }

    input.addEventListener("change", show);
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
          var start = target.selectionStart || 0;
          var end = target.selectionEnd || 0;
          target.value = target.value.slice(0, start) + text + target.value.slice(end);
          target.focus();
          target.selectionStart = target.selectionEnd = start + text.length;
          target.dispatchEvent(new Event("input", { bubbles: true }));
          select.selectedIndex = 0;
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

  function each(root, selector, setUp) {
    root.querySelectorAll(selector).forEach(function (el) {
      if (el.dataset.enhanced) return;
      el.dataset.enhanced = "yes";
      setUp(el);
    });
  }

  function enhance(root) {
    each(root, "[data-dropzone]", setUpDropzone);
    each(root, "[data-saved-reply]", setUpSavedReplies);
    each(root, "[data-tabs]", setUpTabs);
    each(root, "[data-bulk]", setUpBulk);
    each(root, "[data-composer]", setUpComposer);
    each(root, "[data-visibility-of]", setUpVisibilitySwitch);
    root.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    root.querySelectorAll("[data-no-js]").forEach(function (el) { el.hidden = true; });
  }

  ready(function () {
    enhance(document);
    document.body.addEventListener("htmx:load", function (event) {
      var elt = event.detail.elt;
      if (elt && elt.querySelectorAll) enhance(elt.parentNode || elt);
    });
    /* "/" jumps to the search box, as in most desks. */
    document.addEventListener("keydown", function (event) {
      var search = document.querySelector("[data-search]");
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (event.key === "/" && search && !typing) {
        event.preventDefault();
        search.focus();
      }
    });
  });
})();
