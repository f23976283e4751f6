// Study heartbeats for a lesson page (see docs/COURSES.md). Loaded only where study time counts:
// a signed-in member on a timed lesson of a published course. Without this file the lesson still
// reads and plays; it just earns no time.
//
// While the page is visible — and, for audio and video, playing — it counts seconds, and every
// `data-interval` seconds it sends them with the visibility to the server, which credits at most
// what really elapsed by its own clock. A hidden tab, a paused video or a closed page sends
// nothing, so it earns nothing.
(function () {
  "use strict";
  var el = document.getElementById("study");
  if (!el || !window.fetch) return;
  var lesson = el.getAttribute("data-lesson");
  var intervalMs = (parseInt(el.getAttribute("data-interval"), 10) || 15) * 1000;
  var media = document.querySelector("[data-study-media]");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var out = document.getElementById("study-progress");
  var doneText = el.getAttribute("data-done-text") || "";
  var progressText = el.getAttribute("data-progress-text") || "";

  var countedMs = 0;
  var lastTick = Date.now();
  var lastSent = 0;
  var timer = null;

  function active() {
    return document.visibilityState === "visible" && (!media || !media.paused);
  }

  // Count only time spent active, one-second ticks, so a stretch in the background adds nothing.
  setInterval(function () {
    var now = Date.now();
    if (active()) countedMs += Math.min(now - lastTick, 2000);
    lastTick = now;
  }, 1000);

  function show(answer) {
    if (!out || !answer || typeof answer.total_seconds !== "number") return;
    if (answer.completed) {
      out.textContent = doneText;
      out.className = "badge badge-ok";
    } else {
      out.textContent = progressText
        .replace("{seconds}", String(answer.total_seconds))
        .replace("{required}", String(answer.required_seconds || ""));
    }
    el.setAttribute("data-total", String(answer.total_seconds));
  }

  function beat() {
    var seconds = Math.floor(countedMs / 1000);
    countedMs -= seconds * 1000;
    lastSent = Date.now();
    var body = {
      visible: document.visibilityState === "visible",
      seconds: seconds,
      position: media ? media.currentTime : null
    };
    fetch("/api/v1/lessons/" + lesson + "/heartbeat", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body)
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(show)
      .catch(function () { /* offline: the next beat starts a new stretch */ });
  }

  function start() {
    if (timer) return;
    // Never sooner than one interval after the last beat: the server would refuse it.
    var wait = Math.max(0, lastSent + intervalMs - Date.now());
    timer = setTimeout(function tick() {
      if (active()) beat();
      timer = setTimeout(tick, intervalMs);
    }, lastSent ? wait : 0);
  }

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function update() {
    if (active()) start(); else stop();
  }

  document.addEventListener("visibilitychange", update);
  if (media) {
    media.addEventListener("play", update);
    media.addEventListener("pause", update);
    media.addEventListener("ended", update);
    var resume = parseFloat(el.getAttribute("data-position") || "0");
    if (resume > 0) {
      media.addEventListener("loadedmetadata", function () {
        if (resume < media.duration - 1) media.currentTime = resume;
      }, { once: true });
    }
  }
  update();
})();
