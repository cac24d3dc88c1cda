/* Comments: the article page is the same for every reader (it may come from a
   shared cache), so this script fetches what is the reader's own after load:
   the CSRF and form tokens, the message after posting, and their comments
   awaiting moderation. Without it, the "Écrire un commentaire" link leads to
   the same form on a page of its own. */
(function () {
  "use strict";

  var block = document.querySelector("[data-comments]");
  if (!block || !window.fetch) {
    return;
  }
  var form = block.querySelector("[data-comments-form]");
  var list = block.querySelector("[data-comments-list]");
  var notice = block.querySelector("[data-comments-notice]");

  function hiddenInput(name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.prepend(input);
    }
    input.value = value;
  }

  function showMessages(messages) {
    notice.replaceChildren();
    messages.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      notice.append(p);
    });
  }

  function showPending(comments) {
    comments.forEach(function (comment) {
      if (document.getElementById("commentaire-" + comment.id)) {
        return;
      }
      var item = document.createElement("li");
      item.innerHTML = comment.html; // rendered and escaped by the server
      var target = list;
      var parent = comment.parent && document.getElementById("commentaire-" + comment.parent);
      if (parent) {
        var thread = parent.parentElement;
        target = thread.querySelector(":scope > .comment-replies");
        if (!target) {
          target = document.createElement("ol");
          target.className = "comment-replies";
          thread.append(target);
        }
      }
      target.append(item);
      var empty = block.querySelector(".comments__empty");
      if (empty) {
        empty.hidden = true;
      }
    });
  }

  // Other scripts (consent.js) may fetch a token at the same time on a first
  // visit, and the last CSRF cookie set wins: read it again when posting.
  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function enableForm(state) {
    if (!form) {
      return;
    }
    hiddenInput("csrfmiddlewaretoken", state.csrf_token);
    form.addEventListener("submit", function () {
      var token = cookieToken();
      if (token) {
        form.querySelector('input[name="csrfmiddlewaretoken"]').value = token;
      }
    });
    hiddenInput("token", state.form_token);
    form.hidden = false;
    block.querySelector("[data-comments-fallback]").hidden = true;
    setUpReplies();
  }

  function setUpReplies() {
    var home = form.previousElementSibling;
    var replying = form.querySelector("[data-replying]");
    var replyingText = form.querySelector("[data-replying-text]");
    var parentInput = form.querySelector('input[name="parent"]');
    var body = form.querySelector("textarea");

    block.addEventListener("click", function (event) {
      var link = event.target.closest("[data-reply-to]");
      if (!link) {
        return;
      }
      event.preventDefault();
      parentInput.value = link.dataset.replyTo;
      replyingText.textContent = form.dataset.replyLabel + " " + link.dataset.replyName;
      replying.hidden = false;
      link.closest(".comment").after(form);
      body.focus();
    });

    form.querySelector("[data-cancel-reply]").addEventListener("click", function () {
      parentInput.value = "";
      replying.hidden = true;
      home.after(form);
      body.focus();
    });
  }

  fetch(block.dataset.stateUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("comment state: HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (state) {
      showMessages(state.messages);
      showPending(state.pending);
      enableForm(state);
    })
    .catch(function () {
      /* The link to the form page stays: commenting still works. */
    });
})();
