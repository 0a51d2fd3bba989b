// loopcoach: small progressive enhancements. Pages work without it.
(function () {
  "use strict";
  var form = document.getElementById("analyze-form");
  if (!form) { return; }
  var answer = document.getElementById("answer");
  var timer = document.getElementById("timer");
  var duration = document.getElementById("duration_seconds");
  var started = null;
  var spoken = false;
  function fmt(s) { var m = Math.floor(s / 60); var r = Math.floor(s % 60); return m + ":" + (r < 10 ? "0" : "") + r; }
  function tick() { if (started !== null && timer) { timer.textContent = fmt((Date.now() - started) / 1000); } }
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
      started = t0;
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
  form.addEventListener("submit", function () { if (!spoken) { duration.value = ""; } });
})();
