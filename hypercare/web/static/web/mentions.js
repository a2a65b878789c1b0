/* @mentions in an internal note: typing @ and the start of a name lists the support staff
   who may see the ticket (the server's list at the composer's data-mentions address);
   arrow keys move, Enter or Tab or a click writes @username, Escape closes. Without this
   script an @username typed by hand mentions the same. */
(function () {
  "use strict";

  /* The @word being typed just before the caret, as the server reads a mention. */
  var TYPING = /(^|[^\w@.+-])@([\w.@+-]*)$/;

  function listOf(box) {
    return box.form && box.form.querySelector("[data-mentions]");
  }

  function typed(box) {
    var found = TYPING.exec(box.value.slice(0, box.selectionStart));
    return found ? found[2] : null;
  }

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
  }

  function close(box, list) {
    list.hidden = true;
    list.innerHTML = "";
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function mark(box, list, chosen) {
    options(list).forEach(function (option) {
      option.setAttribute("aria-selected", option === chosen ? "true" : "false");
    });
    if (chosen) box.setAttribute("aria-activedescendant", chosen.id);
  }

  function choose(box, list, option) {
    var caret = box.selectionStart;
    var before = box.value.slice(0, caret);
    var start = before.lastIndexOf("@");
    var mention = "@" + option.dataset.mention + " ";
    box.value = before.slice(0, start) + mention + box.value.slice(caret);
    box.setSelectionRange(start + mention.length, start + mention.length);
    close(box, list);
    box.focus();
    /* The composer keeps its draft on input. */
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function lookUp(box, list) {
    var prefix = typed(box);
    if (prefix === null) {
      close(box, list);
      return;
    }
    var address = list.dataset.mentions + "?q=" + encodeURIComponent(prefix);
    fetch(address, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (answer) { return answer.ok ? answer.text() : ""; })
      .then(function (html) {
        if (typed(box) !== prefix) return;
        list.innerHTML = html;
        var found = options(list);
        list.hidden = !found.length;
        box.setAttribute("aria-expanded", found.length ? "true" : "false");
        mark(box, list, found[0]);
      });
  }

  function composing(event) {
    var box = event.target;
    if (!box || box.tagName !== "TEXTAREA") return null;
    var list = listOf(box);
    if (!list) return null;
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-autocomplete", "list");
    return { box: box, list: list };
  }

  document.addEventListener("input", function (event) {
    var at = composing(event);
    if (at) lookUp(at.box, at.list);
  });

  document.addEventListener("keydown", function (event) {
    var at = composing(event);
    if (!at || at.list.hidden) return;
    var found = options(at.list);
    var current = found.indexOf(at.list.querySelector("[aria-selected=true]"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : found.length - 1;
      mark(at.box, at.list, found[(current + step) % found.length]);
    } else if ((event.key === "Enter" || event.key === "Tab") && current >= 0
               && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      choose(at.box, at.list, found[current]);
    } else if (event.key === "Escape") {
      close(at.box, at.list);
    }
  });

  /* mousedown, not click: the textarea keeps its caret. */
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest("[data-mention]");
    var list = option && option.closest("[data-mentions]");
    var form = list && list.closest("form");
    var box = form && form.querySelector("textarea");
    if (!box) return;
    event.preventDefault();
    choose(box, list, option);
  });
})();
