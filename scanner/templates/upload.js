// Drag-and-drop onto the drop zone fills the file input; without JavaScript the input works as usual.
(function () {
  var drop = document.getElementById("drop");
  var input = document.getElementById("cvs");
  var list = document.getElementById("files");
  var form = document.getElementById("scan-form");
  function show() {
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (f) {
      var li = document.createElement("li");
      li.textContent = f.name + " (" + Math.max(1, Math.round(f.size / 1024)) + " KB)";
      list.appendChild(li);
    });
  }
  ["dragenter", "dragover"].forEach(function (type) {
    drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
  });
  input.addEventListener("change", show);
  form.addEventListener("submit", function () {
    document.getElementById("submit").disabled = true;
    document.getElementById("status").textContent = "Scanning ...";
  });
})();
window.addEventListener("pageshow", function () {
  document.getElementById("submit").disabled = false;
  document.getElementById("status").textContent = "";
});
