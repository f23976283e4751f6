// A live match room (/quiz/match/{id}): opens the match socket, draws what it pushes, and sends
// the player's answers. Text from the server is only ever set as textContent. The countdown runs
// locally from the milliseconds the server said were left, so a phone's wrong clock does not
// matter; the server alone decides whether an answer was in time.
(function () {
  "use strict";
  var root = document.getElementById("match");
  if (!root || !window.WebSocket) return;
  var id = root.dataset.id;
  var t = function (k, args) {
    var s = root.dataset["t" + k.charAt(0).toUpperCase() + k.slice(1)] || "";
    Object.keys(args || {}).forEach(function (a) { s = s.split("{" + a + "}").join(String(args[a])); });
    return s;
  };
  var statusEl = document.getElementById("match-status");
  var playersEl = document.getElementById("match-players");
  var questionEl = document.getElementById("match-question");
  var closedEl = document.getElementById("match-closed");
  var state = null, deadline = 0, shownQuestion = null, over = false, retries = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function drawStatus() {
    if (!state) return;
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var s;
    switch (state.phase) {
      case "waiting": s = t("waiting", { n: state.players.length, capacity: state.capacity, s: left }); break;
      case "countdown": s = t("countdown", { s: left }); break;
      case "question":
        s = t("question", { n: state.index + 1, total: state.questions }) + " · " + t("seconds", { s: left });
        break;
      case "finished": s = t("finished"); break;
      default: s = t("abandoned");
    }
    statusEl.textContent = s;
  }

  function drawPlayers() {
    playersEl.textContent = "";
    state.players.forEach(function (p) {
      var li = el("li", p.me ? "is-me" : "");
      li.appendChild(el("strong", "", p.name + (p.me ? t("me") : "")));
      li.appendChild(document.createTextNode(" · " + p.score));
      if (state.phase === "question" && p.answered) li.appendChild(el("span", "badge badge-muted", t("answered")));
      if (p.place) li.appendChild(el("span", "badge badge-ok", t("place", { n: p.place })));
      if (p.points !== null && p.points !== undefined) li.appendChild(el("span", "hint", t("points", { n: p.points })));
      playersEl.appendChild(li);
    });
  }

  function drawQuestion() {
    var q = state.question;
    if (!q) { questionEl.textContent = ""; shownQuestion = null; return; }
    if (state.my_answer) {
      questionEl.textContent = "";
      var a = state.my_answer;
      var p = el("p", "notice");
      p.appendChild(el("span", a.correct ? "badge badge-ok" : "badge badge-danger", a.correct ? t("right") : t("wrong")));
      p.appendChild(document.createTextNode(" " + t("waitingOthers")));
      questionEl.appendChild(p);
      shownQuestion = null;
      return;
    }
    if (shownQuestion === q.id) return;
    shownQuestion = q.id;
    questionEl.textContent = "";
    // The same markup as a quiz round's question (templates/quiz/_paper.html).
    var form = el("form", "form");
    form.id = "match-q-" + q.id;
    var set = el("fieldset", "card question");
    set.appendChild(el("legend", "", (state.index + 1) + ". " + q.stem));
    form.appendChild(set);
    var name = "q" + q.id;
    var choice = function (type, value, label) {
      var l = el("label", "check");
      var i = document.createElement("input");
      i.type = type; i.name = name; i.value = value;
      l.appendChild(i);
      l.appendChild(document.createTextNode(" " + label));
      set.appendChild(l);
    };
    if (q.kind === "single" || q.kind === "multiple") {
      q.options.forEach(function (o) { choice(q.kind === "single" ? "radio" : "checkbox", o.label, o.label + ". " + o.text); });
    } else if (q.kind === "judge") {
      choice("radio", "正确", t("true"));
      choice("radio", "错误", t("false"));
    } else {
      for (var b = 0; b < q.blanks; b++) {
        var f = el("div", "field");
        var inp = document.createElement("input");
        inp.name = name; inp.autocomplete = "off"; inp.setAttribute("aria-label", t("blank") + " " + (b + 1));
        f.appendChild(inp);
        set.appendChild(f);
      }
    }
    var btn = el("button", "btn btn-primary btn-block", t("submit"));
    btn.type = "submit";
    btn.id = "match-submit";
    form.appendChild(btn);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var given = [];
      Array.prototype.forEach.call(form.elements, function (e) {
        if (e.name !== name) return;
        if ((e.type === "radio" || e.type === "checkbox") && !e.checked) return;
        given.push(e.value);
      });
      btn.disabled = true;
      send({ type: "answer", question_id: q.id, given: given });
    });
    questionEl.appendChild(form);
  }

  function drawClosed() {
    closedEl.textContent = "";
    state.closed.forEach(function (m, i) {
      var s = el("section", "card question " + (m.correct ? "is-right" : "is-wrong"));
      s.appendChild(el("p", "", (i + 1) + ". " + m.question.stem));
      m.question.options.forEach(function (o) { s.appendChild(el("p", "hint", o.label + ". " + o.text)); });
      var p = el("p");
      p.appendChild(el("span", m.correct ? "badge badge-ok" : "badge badge-danger", m.correct ? t("right") : t("wrong")));
      p.appendChild(document.createTextNode(" " + t("given") + "：" + (m.given.length ? m.given.join("、") : t("none")) + " · " + t("answer") + "："));
      p.appendChild(el("strong", "answer", m.answer));
      s.appendChild(p);
      closedEl.appendChild(s);
    });
  }

  var ws = null;
  function send(msg) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg)); }

  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(proto + location.host + "/api/v1/matches/" + id + "/ws");
    ws.onopen = function () { retries = 0; };
    ws.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === "state") {
        state = m.match;
        deadline = Date.now() + state.ms_left;
        over = state.phase === "finished" || state.phase === "abandoned";
        drawStatus(); drawPlayers(); drawQuestion(); drawClosed();
      } else if (m.type === "error") {
        var b = document.getElementById("match-submit");
        if (b) b.disabled = false;
        statusEl.textContent = m.error.message;
      }
    };
    ws.onclose = function () {
      if (over) return;
      // A dropped phone connection comes back (to any node); the match state is in the database.
      if (retries++ < 10) { setTimeout(connect, 500 * retries); } else { statusEl.textContent = t("lost"); }
    };
  }

  setInterval(drawStatus, 250);
  connect();
})();
