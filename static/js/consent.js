/* Cookie consent: reads the reader's state after load (pages are the same for
   everyone and cached whole), opens the banner when a choice is due, runs the
   scripts and embeds of accepted groups only, and records decisions.

   Other scripts may listen to the "omag:consent" event on document; its
   detail.active lists the groups allowed to run now. */
(function () {
  "use strict";

  var dialog = document.getElementById("consent");
  if (!dialog || typeof dialog.showModal !== "function") return;

  var state = null;
  var returnFocus = null;
  var started = {};

  function active(group) {
    return !!state && state.activeCookieGroups.indexOf(group) !== -1;
  }

  // Scripts declared for a group: <script type="text/plain" data-consent-group
  // data-src>. They run once accepted; a withdrawal stops them (they listen
  // to "omag:consent") and the next page no longer runs them.
  function runScripts() {
    document.querySelectorAll('script[type="text/plain"][data-consent-group]').forEach(function (tag) {
      var group = tag.dataset.consentGroup;
      if (!active(group) || started[tag.dataset.src]) return;
      started[tag.dataset.src] = true;
      var script = document.createElement("script");
      Object.keys(tag.dataset).forEach(function (key) { script.dataset[key] = tag.dataset[key]; });
      script.src = tag.dataset.src;
      document.body.appendChild(script);
    });
  }

  function loadEmbeds() {
    if (!active(dialog.dataset.externalMedia || "external_media")) return;
    document.querySelectorAll(".embed-consent[data-embed-src]").forEach(function (figure) {
      var frame = document.createElement("iframe");
      frame.src = figure.dataset.embedSrc;
      frame.title = figure.dataset.embedTitle;
      frame.loading = "lazy";
      frame.allowFullscreen = true;
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      frame.className = "embed-consent__frame";
      figure.replaceChildren(frame);
      figure.classList.add("embed-consent--loaded");
      figure.removeAttribute("data-embed-src");
    });
  }

  function apply(newState) {
    state = newState;
    runScripts();
    loadEmbeds();
    // The groups running now, for styles and for tests waiting on the state.
    document.documentElement.dataset.consent = state.activeCookieGroups.join(" ") || "none";
    document.dispatchEvent(new CustomEvent("omag:consent", { detail: { active: state.activeCookieGroups.slice() } }));
  }

  function layer(name) {
    dialog.querySelectorAll("[data-consent-layer]").forEach(function (part) {
      part.hidden = part.dataset.consentLayer !== name;
    });
  }

  function open(opener) {
    returnFocus = opener || document.activeElement;
    layer("first");
    dialog.querySelector("[data-consent-error]").hidden = true;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector("#consent-title").focus();
  }

  function close() {
    if (dialog.open) dialog.close();
    var target = returnFocus && returnFocus !== document.body && document.contains(returnFocus)
      ? returnFocus : document.getElementById("contenu");
    if (target) target.focus();
    returnFocus = null;
  }

  // comments.js may fetch a token at the same time on a first visit, and the
  // last CSRF cookie set wins: the cookie is the one to send.
  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function save(data) {
    if (!state) return Promise.reject(new Error("no state"));
    data.set("csrfmiddlewaretoken", cookieToken() || state.csrftoken);
    return fetch(dialog.dataset.saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Cookie-Consent-Fetch": "1", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (newState) {
      apply(newState);
      close();
    }).catch(function () {
      if (!dialog.open) open(null);
      dialog.querySelector("[data-consent-error]").hidden = false;
    });
  }

  function choose(choice) {
    var data = new FormData();
    data.set("choice", choice);
    return save(data);
  }

  function showPanel() {
    var panel = document.getElementById("consent-panel");
    fetch(dialog.dataset.panelUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        panel.innerHTML = html;
        layer("second");
        var first = panel.querySelector("h2, input, button");
        var heading = panel.querySelector("h2");
        if (heading) { heading.tabIndex = -1; heading.focus(); } else if (first) first.focus();
      })
      .catch(function () { dialog.querySelector("[data-consent-error]").hidden = false; });
  }

  dialog.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.consentChoice) choose(button.dataset.consentChoice);
    else if (button.hasAttribute("data-consent-settings")) showPanel();
    else if (button.hasAttribute("data-consent-close")) dismiss();
  });

  dialog.addEventListener("submit", function (event) {
    event.preventDefault();
    save(new FormData(event.target, event.submitter));
  });

  // Closing without choosing refuses (CNIL); once a choice exists it keeps it.
  function dismiss() {
    if (state && state.needsChoice) choose("dismissed");
    else close();
  }
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    dismiss();
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-consent-open], [data-consent-embed]");
    if (!link || !state) return;
    event.preventDefault();
    if (link.hasAttribute("data-consent-embed")) choose("embed");
    else open(link);
  });

  fetch(dialog.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (newState) {
      apply(newState);
      if (state.needsChoice) open(null);
    });
})();
