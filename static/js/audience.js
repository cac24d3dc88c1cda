/* Ô Magazine's own audience measurement (no third party). consent.js runs it
   only once "Mesure d'audience" is accepted; a withdrawal stops it and removes
   its cookie. One anonymous visitor id in a first-party cookie, one ping per
   page view to our own endpoint. */
(function () {
  "use strict";

  var script = document.currentScript;
  var endpoint = script && script.dataset.endpoint;
  var name = "omag_audience";
  var maxAge = 60 * 60 * 24 * 395;  // 13 months, the CNIL's ceiling
  var stopped = false;

  function readCookie() {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? match[1] : null;
  }

  function stop() {
    stopped = true;
    document.cookie = name + "=; Max-Age=0; Path=/; SameSite=Lax";
  }

  document.addEventListener("omag:consent", function (event) {
    if (event.detail.active.indexOf("audience") === -1) stop();
  });

  function ping() {
    if (stopped || !endpoint) return;
    var isNew = readCookie() === null;
    if (isNew) {
      var id = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)).replace(/-/g, "");
      document.cookie = name + "=" + id + "; Max-Age=" + maxAge + "; Path=/; SameSite=Lax" +
        (location.protocol === "https:" ? "; Secure" : "");
    }
    var data = new FormData();
    data.set("path", location.pathname);
    data.set("new", isNew ? "1" : "0");
    navigator.sendBeacon(endpoint, data);
  }

  ping();
})();
