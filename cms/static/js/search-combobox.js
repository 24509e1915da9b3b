/*
 * Search suggestions: turns each plain search box ([data-combobox] around an
 * <input name="q"> in a GET form) into an ARIA 1.2 combobox with a listbox
 * popup. Without this script the form still works: it submits to /search/.
 *
 * Keyboard: Down/Up move through suggestions, Enter opens the highlighted
 * suggestion (or searches when none is highlighted), Escape closes the list
 * (a second Escape clears the box), Tab leaves and closes it.
 */
(function () {
    "use strict";

    var MIN_CHARS = 2;
    var DEBOUNCE_MS = 150;
    var instances = 0;

    function Combobox(root) {
        this.root = root;
        this.input = root.querySelector('input[name="q"]');
        if (!this.input || !this.input.form) {
            return;
        }
        instances += 1;
        this.form = this.input.form;
        this.url = root.getAttribute("data-suggest-url") || "/search/suggest/";
        this.options = [];
        this.active = -1;
        this.timer = null;
        this.controller = null;
        this.shownFor = null;

        var base = this.input.id || "search-box-" + instances;
        if (!this.input.id) {
            this.input.id = base;
        }

        this.listbox = document.createElement("ul");
        this.listbox.id = base + "-suggestions";
        this.listbox.className = "combobox__listbox";
        this.listbox.setAttribute("role", "listbox");
        this.listbox.setAttribute("aria-label", "Suggestions");
        this.listbox.hidden = true;

        this.status = document.createElement("div");
        this.status.className = "visually-hidden";
        // A live region without role="status": pages keep their own status
        // messages as the only "status" on the page.
        this.status.setAttribute("aria-live", "polite");
        this.status.setAttribute("aria-atomic", "true");

        root.appendChild(this.listbox);
        root.appendChild(this.status);

        this.input.setAttribute("role", "combobox");
        this.input.setAttribute("aria-autocomplete", "list");
        this.input.setAttribute("aria-expanded", "false");
        this.input.setAttribute("aria-controls", this.listbox.id);
        this.input.setAttribute("autocomplete", "off");

        this.input.addEventListener("input", this.onInput.bind(this));
        this.input.addEventListener("keydown", this.onKeydown.bind(this));
        this.input.addEventListener("blur", this.onBlur.bind(this));
        this.input.addEventListener("focus", this.onFocus.bind(this));
        // Keep focus in the input while a suggestion is clicked.
        this.listbox.addEventListener("mousedown", function (event) {
            event.preventDefault();
        });
        this.listbox.addEventListener("click", this.onClick.bind(this));
        this.form.addEventListener("submit", this.close.bind(this));
        // Coming back with the browser's Back button: start closed.
        window.addEventListener("pageshow", this.close.bind(this));
    }

    Combobox.prototype.text = function () {
        return this.input.value.replace(/\s+/g, " ").trim();
    };

    Combobox.prototype.onInput = function () {
        var self = this;
        window.clearTimeout(this.timer);
        if (this.text().length < MIN_CHARS) {
            this.abort();
            this.clearOptions();
            this.announce("");
            return;
        }
        this.timer = window.setTimeout(function () {
            self.fetch();
        }, DEBOUNCE_MS);
    };

    Combobox.prototype.onFocus = function () {
        // Returning to a box that still has text: offer its suggestions again.
        if (this.options.length && this.shownFor === this.text()) {
            this.open();
        }
    };

    Combobox.prototype.abort = function () {
        if (this.controller) {
            this.controller.abort();
            this.controller = null;
        }
    };

    Combobox.prototype.fetch = function () {
        var self = this;
        var text = this.text();
        if (text.length < MIN_CHARS) {
            return;
        }
        this.abort();
        var controller = "AbortController" in window ? new AbortController() : null;
        this.controller = controller;
        var url = this.url + (this.url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(text);
        window
            .fetch(url, {
                headers: { Accept: "application/json" },
                credentials: "same-origin",
                signal: controller ? controller.signal : undefined,
            })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error("Suggestions answered " + response.status);
                }
                return response.json();
            })
            .then(function (data) {
                // A newer request has started, or the text changed meanwhile.
                if (self.controller !== controller || self.text() !== text) {
                    return;
                }
                self.controller = null;
                self.render(text, (data && data.suggestions) || []);
            })
            .catch(function (error) {
                if (error && error.name === "AbortError") {
                    return;
                }
                // Suggestions are optional: the form still searches.
                if (self.controller === controller) {
                    self.controller = null;
                    self.clearOptions();
                }
            });
    };

    Combobox.prototype.render = function (text, suggestions) {
        var self = this;
        this.clearOptions();
        this.shownFor = text;
        suggestions.forEach(function (suggestion, index) {
            if (!suggestion || !suggestion.url || !suggestion.title) {
                return;
            }
            var option = document.createElement("li");
            option.id = self.listbox.id + "-" + index;
            option.className = "combobox__option";
            option.setAttribute("role", "option");
            option.setAttribute("aria-selected", "false");
            option.setAttribute("data-url", suggestion.url);

            var title = document.createElement("span");
            title.className = "combobox__title";
            title.textContent = suggestion.title;
            var separator = document.createElement("span");
            separator.className = "visually-hidden";
            separator.textContent = ", ";
            var kind = document.createElement("span");
            kind.className = "combobox__kind";
            kind.textContent = suggestion.kind_label || (suggestion.kind === "path" ? "Learning path" : "Guide");

            option.appendChild(title);
            option.appendChild(separator);
            option.appendChild(kind);
            self.listbox.appendChild(option);
            self.options.push(option);
        });
        if (this.options.length) {
            if (document.activeElement === this.input) {
                this.open();
            }
            var count = this.options.length;
            this.announce(
                count + (count === 1 ? " suggestion" : " suggestions") +
                    " available, use up and down arrows to review" +
                    (count === 1 ? " it" : " them")
            );
        } else {
            this.close();
            this.announce("No suggestions");
        }
    };

    Combobox.prototype.clearOptions = function () {
        this.setActive(-1);
        this.options = [];
        this.shownFor = null;
        while (this.listbox.firstChild) {
            this.listbox.removeChild(this.listbox.firstChild);
        }
        this.close();
    };

    Combobox.prototype.isOpen = function () {
        return !this.listbox.hidden;
    };

    Combobox.prototype.open = function () {
        if (!this.options.length) {
            return;
        }
        this.listbox.hidden = false;
        this.input.setAttribute("aria-expanded", "true");
    };

    Combobox.prototype.close = function () {
        this.setActive(-1);
        this.listbox.hidden = true;
        this.input.setAttribute("aria-expanded", "false");
    };

    Combobox.prototype.announce = function (message) {
        this.status.textContent = message;
    };

    Combobox.prototype.setActive = function (index) {
        if (this.active >= 0 && this.options[this.active]) {
            this.options[this.active].setAttribute("aria-selected", "false");
        }
        this.active = index;
        var option = this.options[index];
        if (option) {
            option.setAttribute("aria-selected", "true");
            this.input.setAttribute("aria-activedescendant", option.id);
            if (option.scrollIntoView) {
                option.scrollIntoView({ block: "nearest" });
            }
        } else {
            this.active = -1;
            this.input.removeAttribute("aria-activedescendant");
        }
    };

    Combobox.prototype.move = function (step) {
        if (!this.options.length) {
            return;
        }
        if (!this.isOpen()) {
            this.open();
            this.setActive(step > 0 ? 0 : this.options.length - 1);
            return;
        }
        var count = this.options.length;
        var next = this.active + step;
        if (this.active === -1) {
            next = step > 0 ? 0 : count - 1;
        } else if (next >= count) {
            next = 0;
        } else if (next < 0) {
            next = count - 1;
        }
        this.setActive(next);
    };

    Combobox.prototype.go = function (option) {
        var url = option && option.getAttribute("data-url");
        if (url) {
            this.close();
            window.location.assign(url);
        }
    };

    Combobox.prototype.onKeydown = function (event) {
        if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) {
            return;
        }
        switch (event.key) {
            case "ArrowDown":
            case "Down":
                event.preventDefault();
                if (!this.options.length || this.shownFor !== this.text()) {
                    window.clearTimeout(this.timer);
                    this.fetch();
                } else {
                    this.move(1);
                }
                break;
            case "ArrowUp":
            case "Up":
                if (this.options.length) {
                    event.preventDefault();
                    this.move(-1);
                }
                break;
            case "Enter":
                if (this.isOpen() && this.active >= 0) {
                    event.preventDefault();
                    this.go(this.options[this.active]);
                } else {
                    // The form submits as usual.
                    window.clearTimeout(this.timer);
                    this.abort();
                    this.close();
                }
                break;
            case "Escape":
            case "Esc":
                if (this.isOpen()) {
                    event.preventDefault();
                    window.clearTimeout(this.timer);
                    this.abort();
                    this.close();
                } else if (this.input.value) {
                    event.preventDefault();
                    window.clearTimeout(this.timer);
                    this.abort();
                    this.input.value = "";
                    this.clearOptions();
                    this.announce("");
                }
                break;
            case "Tab":
                this.close();
                break;
            default:
                break;
        }
    };

    Combobox.prototype.onBlur = function () {
        window.clearTimeout(this.timer);
        this.close();
    };

    Combobox.prototype.onClick = function (event) {
        var target = event.target;
        while (target && target !== this.listbox && target.getAttribute("role") !== "option") {
            target = target.parentNode;
        }
        if (target && target !== this.listbox) {
            this.go(target);
        }
    };

    function init() {
        var roots = document.querySelectorAll("[data-combobox]");
        for (var i = 0; i < roots.length; i += 1) {
            if (!roots[i].hasAttribute("data-combobox-ready")) {
                roots[i].setAttribute("data-combobox-ready", "");
                new Combobox(roots[i]);
            }
        }
    }

    if (!("fetch" in window)) {
        return;
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
