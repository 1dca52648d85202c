// Compares a credit report's PDF, chosen by the reader, with the hash of the report as issued.
// The file is hashed in the browser (Web Crypto) and never leaves the reader's machine.
(function () {
  "use strict";
  var box = document.getElementById("pdf-check");
  if (!box) { return; }
  var input = box.querySelector("input[type=file]");
  var answer = box.querySelector("[data-answer]");
  var expected = box.getAttribute("data-pdf-hash");

  function say(key, failed) {
    answer.textContent = box.getAttribute("data-" + key);
    answer.className = "message" + (failed ? " message-error" : "");
    answer.hidden = false;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  if (!window.crypto || !window.crypto.subtle) {
    input.disabled = true;
    say("unavailable", true);
    return;
  }
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file) { return; }
    file.arrayBuffer()
      .then(function (bytes) { return window.crypto.subtle.digest("SHA-256", bytes); })
      .then(function (digest) { say(hex(digest) === expected ? "same" : "different", hex(digest) !== expected); })
      .catch(function () { say("unreadable", true); });
  });
}());
