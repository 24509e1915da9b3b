/* The site menu on phones: the "Menu" link (which opens the menu with :target
   when scripts do not run) becomes a disclosure button. Wide screens show the
   menu inline and never see the button. */
(function () {
    "use strict";

    function init() {
        var link = document.querySelector("[data-menu-toggle]");
        var menu = document.querySelector("[data-menu]");
        if (!link || !menu) {
            return;
        }
        var button = document.createElement("button");
        button.type = "button";
        button.className = link.className;
        button.innerHTML = link.innerHTML;
        button.setAttribute("aria-expanded", "false");
        button.setAttribute("aria-controls", menu.id);
        link.replaceWith(button);
        var close = menu.querySelector(".site-menu__close");
        if (close) {
            close.remove();
        }
        menu.classList.add("site-menu--enhanced");
        if (window.location.hash === "#" + menu.id) {
            history.replaceState(null, "", window.location.pathname + window.location.search);
        }

        function setOpen(open) {
            button.setAttribute("aria-expanded", open ? "true" : "false");
            menu.classList.toggle("site-menu--open", open);
        }

        button.addEventListener("click", function () {
            setOpen(button.getAttribute("aria-expanded") !== "true");
        });
        document.addEventListener("keydown", function (event) {
            if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
                setOpen(false);
                button.focus();
            }
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
