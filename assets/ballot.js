// The voter's side of the secret ballot (docs/adr/0007-secret-ballot.md).
//
// 1. Make a random token; hash it onto Z_n (the same FDH as crates/domain/src/elections/ballot.rs);
//    blind it with a random r: b = m · r^e mod n.
// 2. Signed in (cookie + CSRF header), ask the server to sign b. It records only "this voter has
//    taken a ballot"; it never sees m or the token.
// 3. Unblind: s = s' · r^-1 mod n, and check s^e = m.
// 4. Send token, s and the choices WITHOUT cookies (credentials: "omit"). The token is the receipt.
// Token and signature are kept in localStorage between steps so a reload does not lose the vote.
(function () {
  "use strict";
  var form = document.getElementById("ballot");
  if (!form || !window.crypto || !window.crypto.subtle || typeof BigInt !== "function") {
    var nojs = document.getElementById("ballot-unsupported");
    if (form && nojs) { nojs.hidden = false; }
    return;
  }
  var d = form.dataset;
  var id = d.election;
  var nHex = d.n;
  var n = BigInt("0x" + nHex);
  var e = BigInt("0x" + d.e);
  var seats = parseInt(d.seats, 10);
  // Per election and voter: several people may share a phone.
  var store = "rb-ballot-" + id + "-" + d.voter;
  var status = document.getElementById("ballot-status");

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? "notice notice-error" : "notice notice-ok";
    status.hidden = false;
  }
  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  function big(bytes) { return bytes.length ? BigInt("0x" + hex(bytes)) : 0n; }
  function modPow(b, x, m) {
    var r = 1n; b %= m;
    while (x > 0n) { if (x & 1n) { r = (r * b) % m; } b = (b * b) % m; x >>= 1n; }
    return r;
  }
  function modInv(a, m) {
    var t = 0n, nt = 1n, r = m, nr = a % m, q, tmp;
    while (nr !== 0n) {
      q = r / nr;
      tmp = t - q * nt; t = nt; nt = tmp;
      tmp = r - q * nr; r = nr; nr = tmp;
    }
    if (r !== 1n) { return null; }
    return t < 0n ? t + m : t;
  }
  var nLen = Math.ceil(nHex.replace(/^0+/, "").length / 2);
  function randomBelowN() {
    for (;;) {
      var bytes = crypto.getRandomValues(new Uint8Array(nLen));
      var r = big(bytes) % n;
      if (r > 1n && modInv(r, n) !== null) { return r; }
    }
  }
  async function fdh(token) {
    var msg = new TextEncoder().encode("redbranch-ballot:" + id + ":" + token);
    var out = [];
    for (var counter = 0; out.length < nLen; counter++) {
      var buf = new Uint8Array(4 + msg.length);
      new DataView(buf.buffer).setUint32(0, counter);
      buf.set(msg, 4);
      var h = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
      for (var i = 0; i < h.length; i++) { out.push(h[i]); }
    }
    return big(out.slice(0, nLen)) % n;
  }
  function load() { try { return JSON.parse(localStorage.getItem(store)); } catch (x) { return null; } }
  function save(s) { try { localStorage.setItem(store, JSON.stringify(s)); } catch (x) { /* private mode */ } }
  async function problem(res) {
    try { var j = await res.json(); return j.error ? j.error.message + (j.error.fields && j.error.fields.length ? "：" + j.error.fields.map(function (f) { return f.message; }).join("；") : "") : res.status; }
    catch (x) { return String(res.status); }
  }
  function showReceipt(token) {
    var box = document.getElementById("ballot-receipt");
    box.querySelector("code").textContent = token;
    box.querySelector("a").href = "/elections/" + id + "/receipt?token=" + token;
    box.hidden = false;
    form.hidden = true;
  }

  var prior = load();
  if (prior && prior.cast) { showReceipt(prior.token); return; }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var choices = Array.prototype.filter.call(form.querySelectorAll("input[name=choice]"), function (c) { return c.checked; })
      .map(function (c) { return parseInt(c.value, 10); });
    if (choices.length > seats) { say(d.msgTooMany, true); return; }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(d.msgWorking, false);
    try {
      var s = load();
      if (!s || !s.sig) {
        var token = hex(crypto.getRandomValues(new Uint8Array(32)));
        var m = await fdh(token);
        var r = randomBelowN();
        var blinded = (m * modPow(r, e, n)) % n;
        var csrf = document.querySelector("meta[name=csrf-token]").content;
        var res = await fetch("/api/v1/elections/" + id + "/issue", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ blinded: blinded.toString(16) })
        });
        if (!res.ok) { throw new Error(await problem(res)); }
        var sig = (BigInt("0x" + (await res.json()).signature) * modInv(r, n)) % n;
        if (modPow(sig, e, n) !== m) { throw new Error(d.msgBadSignature); }
        s = { token: token, sig: sig.toString(16) };
        save(s);
      }
      // No cookie goes with the ballot: the ballot box must not know who is casting it.
      var cast = await fetch("/api/v1/elections/" + id + "/ballots", {
        method: "POST", credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: s.token, signature: s.sig, choices: choices })
      });
      if (!cast.ok) {
        // Sent before, answer lost: the ballot box already holds this token, so it counted.
        var again = cast.status === 409 && (await cast.clone().json().catch(function () { return {}; })).error;
        if (!again || again.code !== "ballot_token_used") { throw new Error(await problem(cast)); }
      }
      // Once cast only the receipt is kept: the signature is of no further use to anyone.
      save({ token: s.token, cast: true });
      say(d.msgDone, false);
      showReceipt(s.token);
    } catch (x) {
      say(x.message || String(x), true);
      button.disabled = false;
    }
  });
})();
