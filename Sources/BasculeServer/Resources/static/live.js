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
  // The output of automated steps that run: asked for from where it ended, every second.
  var follow = function () {
    live.querySelectorAll("pre.step-log[data-running]").forEach(function (pre) {
      if (pre.dataset.busy) return;
      pre.dataset.busy = "1";
      fetch(pre.dataset.log + "?from=" + pre.dataset.end, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (log) {
          delete pre.dataset.busy;
          if (!log) return;
          var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          log.chunks.forEach(function (chunk) { pre.appendChild(document.createTextNode(chunk.text)); });
          pre.dataset.end = log.end;
          if (atBottom) pre.scrollTop = pre.scrollHeight;
          if (log.attempt.state !== "running") delete pre.dataset.running;
        })
        .catch(function () { delete pre.dataset.busy; });
    });
  };
  setInterval(follow, 1000);
  // A rolling update reports every second without moving the run: its panel is redrawn as it goes.
  setInterval(function () { if (live.querySelector("[data-rolling-running]")) refresh(); }, 2000);
  var source = new EventSource(live.dataset.events);
  source.addEventListener("action", refresh);
  stamp();
})();
