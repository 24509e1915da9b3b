// A profile never saved defaults to UTC: offer the browser's own time zone
// instead, and say it was a guess. Without JavaScript the list stays as it is.
(function () {
    "use strict";
    var select = document.querySelector("select[data-guess-time-zone]");
    var note = document.getElementById("time-zone-note");
    if (!select || !note || !window.Intl || !Intl.DateTimeFormat) {
        return;
    }
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === select.value) {
        return;
    }
    for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === zone) {
            select.value = zone;
            note.hidden = false;
            return;
        }
    }
})();
