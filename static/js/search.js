// Motando: the search page on top of htmx. The page works without this
// file.
(function () {
  "use strict";
})();
