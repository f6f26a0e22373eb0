// The optional script of the web pages (served as /static/tracuu.js; no inline script, so a
// strict `script-src 'self'` policy works). Without it every page works the same:
// - the search box suggests document numbers, titles and frequent terms from /api/suggest,
//   as an ARIA 1.2 combobox with a listbox popup (arrows, Enter, Escape, mouse or touch);
// - the document page's "copy the citation" button.
(function () {
  "use strict";

  function suggestions(input) {
    var form = input.form;
    var wrap = input.parentNode;
    var list = document.createElement("ul");
    var live = document.createElement("span");
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    list.id = input.id + "-goi-y";
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Gợi ý tìm kiếm");
    list.hidden = true;
    live.className = "sr-only";
    live.setAttribute("aria-live", "polite");
    wrap.appendChild(list);
    wrap.appendChild(live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
      } else {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(li) {
      var href = li.getAttribute("data-href");
      close();
      if (href) {
        window.location.assign(href);
      } else {
        input.value = li.getAttribute("data-query");
        form.submit();
      }
    }

    function show(items) {
      list.textContent = "";
      options = items.map(function (item, i) {
        var li = document.createElement("li");
        var kind = document.createElement("span");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-query", item.query);
        if (item.href) {
          li.setAttribute("data-href", item.href);
        }
        li.appendChild(document.createTextNode(item.text));
        kind.className = "kind";
        kind.textContent = item.kind === "term" ? "Từ khóa thường gặp" : item.kind === "number" ? "Số ký hiệu" : "Văn bản, tin tức";
        li.appendChild(kind);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        li.addEventListener("click", function () {
          choose(li);
        });
        list.appendChild(li);
        return li;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        live.textContent = options.length + " gợi ý; dùng phím mũi tên để chọn.";
      } else {
        close();
        live.textContent = "";
      }
    }

    function ask() {
      var text = input.value;
      var mine = ++asked;
      if (text.trim().length < 2) {
        show([]);
        return;
      }
      fetch("/api/suggest?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (body) {
          if (mine === asked && document.activeElement === input) {
            show(body.suggestions || []);
          }
        })
        .catch(function () {
          if (mine === asked) {
            show([]);
          }
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown" || event.key === "Down") {
        if (!open) {
          ask();
        } else {
          highlight(active + 1 >= options.length ? 0 : active + 1);
        }
        event.preventDefault();
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        if (open) {
          highlight(active <= 0 ? options.length - 1 : active - 1);
          event.preventDefault();
        }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(options[active]);
        }
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (open) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  function copyCitation() {
    var button = document.getElementById("copy-citation");
    var text = document.getElementById("citation");
    var status = document.getElementById("copy-status");
    if (!button || !text) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        status.textContent = "Đã sao chép trích dẫn.";
      };
      text.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }

  var box = document.getElementById("q");
  if (box && box.form && window.fetch) {
    suggestions(box);
  }
  copyCitation();
})();
