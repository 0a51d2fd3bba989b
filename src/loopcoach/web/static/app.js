// loopcoach: small progressive enhancements. Pages work without it.
(function () {
  "use strict";
  function fmt(s) { var m = Math.floor(s / 60); var r = Math.floor(s % 60); return m + ":" + (r < 10 ? "0" : "") + r; }
  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  // A busy indicator on forms that upload, analyse or build something (class "busy-form").
  each("form.busy-form", function (f) {
    f.addEventListener("submit", function () {
      var box = f.querySelector(".busy");
      if (box) { box.hidden = false; }
      var btn = f.querySelector("button[type=submit]");
      if (btn) { btn.setAttribute("aria-disabled", "true"); btn.classList.add("working"); }
      f.setAttribute("aria-busy", "true");
    });
  });

  // A result the page was posted for: bring it into view and give it focus, so a submission
  // never looks as if nothing happened (the form's action also names it as the #fragment).
  var result = document.querySelector("[data-focus-result]");
  if (result) {
    if (!result.hasAttribute("tabindex")) { result.setAttribute("tabindex", "-1"); }
    result.scrollIntoView({ block: "start" });
    result.focus({ preventScroll: true });
  }

  // PDF downloads take a while: show that they are being made (a plain link without JS).
  each("a[href$='.pdf']", function (a) {
    a.addEventListener("click", function (ev) {
      if (!window.fetch || !window.URL || a.getAttribute("aria-busy") === "true") { return; }
      ev.preventDefault();
      var note = document.createElement("span");
      note.className = "busy download-busy";
      note.setAttribute("role", "status");
      note.innerHTML = "<progress aria-label=\"Making the PDF\"></progress> Making the PDF…";
      a.insertAdjacentElement("afterend", note);
      a.setAttribute("aria-busy", "true");
      fetch(a.href, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("status " + r.status); }
        var header = r.headers.get("Content-Disposition") || "";
        var m = /filename="?([^";]+)"?/.exec(header);
        return r.blob().then(function (blob) { return { blob: blob, name: m ? m[1] : "download.pdf" }; });
      }).then(function (got) {
        var url = URL.createObjectURL(got.blob);
        var tmp = document.createElement("a");
        tmp.href = url;
        tmp.download = got.name;
        document.body.appendChild(tmp);
        tmp.click();
        tmp.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        note.textContent = "Downloaded " + got.name + ".";
      }).catch(function () {
        window.location.href = a.href;  // let the server's error page say what went wrong
      }).then(function () { a.removeAttribute("aria-busy"); });
    });
  });

  // Error pages: "Back to your form" goes back in history, where the browser kept your input.
  var back = document.getElementById("back-to-form");
  if (back && window.history.length > 1) {
    back.addEventListener("click", function (ev) { ev.preventDefault(); window.history.back(); });
  }

  // Mock interview start: offer only the chosen role's stages.
  var roleSelect = document.getElementById("mock-role");
  var stageSelect = document.getElementById("mock-stage");
  if (roleSelect && stageSelect) {
    var groups = Array.prototype.slice.call(stageSelect.querySelectorAll("optgroup"));
    var filterStages = function () {
      var keep = stageSelect.value;
      groups.forEach(function (g) {
        var mine = g.getAttribute("data-role") === roleSelect.value;
        if (mine && !g.parentNode) { stageSelect.appendChild(g); }
        if (!mine && g.parentNode) { g.parentNode.removeChild(g); }
      });
      stageSelect.value = keep;
      if (stageSelect.value !== keep) { stageSelect.value = ""; }
    };
    roleSelect.addEventListener("change", filterStages);
    filterStages();
  }

  // Analyse page and mock interview: a clock, real duration and (opt-in) speech input.
  var form = document.getElementById("analyze-form") || document.getElementById("mock-answer-form");
  if (!form) { return; }
  var answer = document.getElementById("answer");
  var timer = document.getElementById("timer");
  var clock = document.getElementById("mock-clock");
  var duration = document.getElementById("duration_seconds");
  var started = null;
  var spoken = false;
  var box = clock ? parseInt(clock.getAttribute("data-time-box") || "0", 10) : 0;
  if (clock) {
    started = Date.now();  // the interviewer's clock runs from the question
    var asking = document.querySelector(".asking");
    var toQuestion = function () {
      if (asking && !result) { asking.scrollIntoView({ block: "start" }); }
      answer.focus({ preventScroll: true });
    };
    toQuestion();
    // The browser moves focus when it scrolls to the #current fragment on load: focus again.
    window.addEventListener("load", function () { setTimeout(toQuestion, 0); });
  }
  function tick() {
    if (started === null) { if (timer) { timer.textContent = "0:00"; } return; }
    var s = (Date.now() - started) / 1000;
    if (timer) { timer.textContent = fmt(s); }
    if (clock) {
      clock.textContent = fmt(s) + " / " + fmt(box);
      if (box && s > box) { clock.classList.add("over"); }
    }
  }
  answer.addEventListener("input", function () { if (started === null) { started = Date.now(); } });
  setInterval(tick, 500);

  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var speech = document.getElementById("speech");
  var consent = document.getElementById("speech-consent");
  var speak = document.getElementById("speak");
  var status = document.getElementById("speak-status");
  var CONSENT_KEY = "loopcoach.speech-consent";
  function stored(value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(CONSENT_KEY) === "yes"; }
      if (value) { window.localStorage.setItem(CONSENT_KEY, "yes"); } else { window.localStorage.removeItem(CONSENT_KEY); }
    } catch (e) { /* storage blocked: the choice lasts for this page */ }
    return false;
  }
  var ERRORS = {
    "not-allowed": "the microphone is blocked for this page",
    "service-not-allowed": "the browser's speech service is not available",
    "network": "the browser could not reach its speech service",
    "no-speech": "no speech was heard",
    "audio-capture": "no microphone was found",
    "aborted": "it was stopped"
  };
  if (Recognition && speech && consent && speak) {
    speech.hidden = false;
    consent.checked = stored();
    speak.hidden = !consent.checked;
    consent.addEventListener("change", function () {
      stored(consent.checked);
      speak.hidden = !consent.checked;
      if (!consent.checked && rec) { rec.abort(); }
    });
    var rec = null;
    var t0 = 0;
    speak.addEventListener("click", function () {
      if (!consent.checked) { return; }
      if (rec) { rec.stop(); return; }
      var heard = false;
      var failed = "";
      rec = new Recognition();
      rec.continuous = true;
      rec.interimResults = false;
      rec.lang = document.documentElement.lang || "en";
      t0 = Date.now();
      var clockBefore = started;
      if (!clock) { started = t0; }
      rec.onresult = function (ev) {
        for (var i = ev.resultIndex; i < ev.results.length; i++) {
          var said = ev.results[i].isFinal ? ev.results[i][0].transcript.trim() : "";
          if (said) { heard = true; answer.value += (answer.value ? " " : "") + said; }
        }
      };
      rec.onerror = function (ev) { failed = ERRORS[ev.error] || String(ev.error || "unknown error"); };
      rec.onend = function () {
        var secs = (Date.now() - t0) / 1000;
        speak.textContent = "Speak your answer";
        rec = null;
        if (heard && !failed && secs >= 1) {
          spoken = true;
          duration.value = secs.toFixed(1);
          status.textContent = "Recorded " + duration.value + " s of speech.";
          return;
        }
        // A failed or empty recognition never sets the speaking time.
        if (!spoken) { duration.value = ""; }
        if (!clock) { started = clockBefore; }
        status.textContent = "Speech recognition did not work (" + (failed || "nothing was recognised") +
          "); nothing was timed. Type your answer instead, or try again.";
      };
      rec.start();
      speak.textContent = "Stop";
      status.textContent = "Listening… (your browser is sending the audio to its speech service)";
    });
  }
  form.addEventListener("submit", function () {
    if (spoken) { return; }
    if (clock && started !== null) {
      duration.value = Math.max(1, (Date.now() - started) / 1000).toFixed(1);
    } else {
      duration.value = "";
    }
  });
})();
