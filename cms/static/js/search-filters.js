/* The search filters are a <details> closed by default, so on phones the
   results come first and "Filter" opens them. Wide screens show them open
   beside the results. */
(function () {
    "use strict";

    var WIDE = "(min-width: 52.0625rem)";

    function init() {
        var filters = document.querySelector("[data-search-filters]");
        if (!filters || !window.matchMedia) {
            return;
        }
        var query = window.matchMedia(WIDE);
        function follow() {
            filters.open = query.matches;
        }
        follow();
        if (query.addEventListener) {
            query.addEventListener("change", follow);
        }
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
