// loopcoach: small progressive enhancements. Pages work without it.
(function () {
  "use strict";
  function fmt(s) { var m = Math.floor(s / 60); var r = Math.floor(s % 60); return m + ":" + (r < 10 ? "0" : "") + r; }

  // A progress indicator on forms that upload or build something (class "busy-form").
  var busyForms = document.querySelectorAll("form.busy-form");
  Array.prototype.forEach.call(busyForms, function (f) {
    f.addEventListener("submit", function () {
      var box = f.querySelector(".busy");
      if (box) { box.hidden = false; }
      var btn = f.querySelector("button[type=submit]");
      if (btn) { btn.setAttribute("aria-disabled", "true"); btn.classList.add("working"); }
      f.setAttribute("aria-busy", "true");
    });
  });

  // Analyse page and mock interview: a clock, real duration and speech input.
  var form = document.getElementById("analyze-form") || document.getElementById("mock-answer-form");
  if (!form) { return; }
  var answer = document.getElementById("answer");
  var timer = document.getElementById("timer");
  var clock = document.getElementById("mock-clock");
  var duration = document.getElementById("duration_seconds");
  var started = null;
  var spoken = false;
  var box = clock ? parseInt(clock.getAttribute("data-time-box") || "0", 10) : 0;
  if (clock) { started = Date.now(); }  // the interviewer's clock runs from the question
  function tick() {
    if (started === null) { return; }
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
  var speak = document.getElementById("speak");
  var status = document.getElementById("speak-status");
  if (Recognition && speak) {
    speak.hidden = false;
    var rec = null;
    var t0 = 0;
    speak.addEventListener("click", function () {
      if (rec) { rec.stop(); return; }
      rec = new Recognition();
      rec.continuous = true;
      rec.interimResults = false;
      rec.lang = document.documentElement.lang || "en";
      t0 = Date.now();
      if (!clock) { started = t0; }
      rec.onresult = function (ev) {
        for (var i = ev.resultIndex; i < ev.results.length; i++) {
          if (ev.results[i].isFinal) { answer.value += (answer.value ? " " : "") + ev.results[i][0].transcript.trim(); }
        }
      };
      rec.onend = function () { spoken = true; duration.value = ((Date.now() - t0) / 1000).toFixed(1); speak.textContent = "Speak your answer"; status.textContent = "Recorded " + duration.value + " s"; rec = null; };
      rec.onerror = function (ev) { status.textContent = "Speech recognition stopped: " + ev.error; };
      rec.start();
      speak.textContent = "Stop";
      status.textContent = "Listening…";
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
