// Live alerts: the page subscribes to /web/events (server-sent events from the alert event
// stream) and inserts each new alert, rendered by the server (/web/alerts/ID), at the top.
// Without this script the page still works: it says to reload for newer alerts.
(function () {
  "use strict";
  var status = document.getElementById("live");
  var list = document.getElementById("alerts");
  if (!status || !list || !window.EventSource) { return; }
  var filter = JSON.parse(status.dataset.filter || "{}");
  var query = new URLSearchParams();
  Object.keys(filter).forEach(function (name) { if (filter[name]) { query.set(name, filter[name]); } });
  var paged = Boolean(status.dataset.paged);
  var after = status.dataset.after || "";
  var source = new EventSource("/web/events" + (after ? "?after=" + encodeURIComponent(after) : ""));

  function say(text, on) {
    status.textContent = text;
    status.classList.toggle("on", on);
  }

  function place(id, kind) {
    // the server renders the alert, or answers 204 when it does not fit the page's filter
    var address = "/web/alerts/" + encodeURIComponent(id) + (query.toString() ? "?" + query : "");
    fetch(address, { credentials: "same-origin" })
      .then(function (answer) { return answer.status === 200 ? answer.text() : ""; })
      .then(function (html) {
        if (!html) { return; }
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();  // escaped by the server's templates
        var card = holder.content.firstElementChild;
        if (!card) { return; }
        card.classList.add("fresh");
        var old = document.getElementById("alert-" + id);
        if (old) { old.replaceWith(card); } else { list.prepend(card); }
        var empty = document.getElementById("no-alerts");
        if (empty) { empty.remove(); }
        if (kind === "created") { say("Live: a new alert arrived just now.", true); }
      });
  }

  source.addEventListener("open", function () { say("Live: new alerts appear here as they arrive.", true); });
  source.addEventListener("error", function () { say("Not live: reconnecting… (reload for newer alerts)", false); });
  source.addEventListener("alert", function (message) {
    var event = JSON.parse(message.data);
    if (filter.topic && event.topic !== filter.topic) { return; }
    if (paged) {  // an older page: the newest alerts are on the first
      if (event.kind === "created") { say("Live: new alerts arrived; see the newest alerts.", true); }
      return;
    }
    if (event.kind === "updated" && !document.getElementById("alert-" + event.alert)) { return; }
    place(event.alert, event.kind);
  });
})();
