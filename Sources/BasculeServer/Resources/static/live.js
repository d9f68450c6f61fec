// Keeps a run's live page current: each action announced on the run's event stream reloads
// the live section in place (forms being typed into are left alone until they are sent).
(function () {
  var live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  var stamp = function () {
    var node = live.querySelector(".live-stamp");
    if (node) node.textContent = node.dataset.label + " " + new Date().toLocaleTimeString();
  };
  var refresh = function () {
    var typing = document.activeElement && live.contains(document.activeElement) && document.activeElement.value;
    if (typing) { setTimeout(refresh, 2000); return; }
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (next) { live.innerHTML = next.innerHTML; stamp(); }
      });
  };
  var source = new EventSource(live.dataset.events);
  source.addEventListener("action", refresh);
  stamp();
})();
