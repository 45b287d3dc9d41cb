// Upload several files, one request each, with a progress bar and a result per file.
// Without JavaScript the form posts all files at once and the page lists the results.
(function () {
  "use strict";
  const form = document.querySelector("[data-upload]");
  if (!form) return;
  const list = document.querySelector("[data-upload-results]");
  const rowTemplate = document.querySelector("[data-upload-row]");
  const labels = document.querySelector("[data-labels]").dataset;

  function addRow(file) {
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    row.querySelector(".name").textContent = file.name;
    row.querySelector("progress").setAttribute("aria-label", file.name);
    list.appendChild(row);
    return row;
  }

  function showResult(row, result) {
    const state = row.querySelector(".state");
    row.className = "status-" + result.status;
    row.querySelector("progress").value = 100;
    state.textContent = (labels[result.status] || result.status) + (result.error ? ": " + result.error : "");
    if (result.id && result.status !== "failed") {
      const link = document.createElement("a");
      link.href = "/documents/" + result.id + "/";
      link.textContent = result.title || labels.open;
      state.append(" — ", link);
    }
  }

  function send(file, row) {
    return new Promise(function (resolve) {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("visibility", form.querySelector("[name=visibility]").value);
      data.append("files", file);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      const bar = row.querySelector("progress");
      const state = row.querySelector(".state");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 90);
        state.textContent = labels.sending;
      };
      xhr.upload.onload = function () { state.textContent = labels.reading; };
      xhr.onload = function () {
        try {
          showResult(row, JSON.parse(xhr.responseText).documents[0]);
        } catch (err) {
          showResult(row, { status: "failed", error: file.name + ": HTTP " + xhr.status });
        }
        resolve();
      };
      xhr.onerror = function () { showResult(row, { status: "failed", error: labels.network }); resolve(); };
      xhr.send(data);
    });
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const files = Array.from(form.querySelector("input[type=file]").files);
    const rows = files.map(addRow);
    for (let i = 0; i < files.length; i++) await send(files[i], rows[i]);
    form.reset();
  });
})();
