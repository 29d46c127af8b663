// The image search page: text and image queries, a result grid with "more like this", and indexing with live progress.
"use strict";

const $ = (id) => document.getElementById(id);
const els = {
  status: $("status"), form: $("text-form"), q: $("q"), not: $("not"), drop: $("drop"), choose: $("choose"), file: $("file"),
  preview: $("query-preview"), start: $("index-start"), cancel: $("index-cancel"), progress: $("index-progress"),
  indexMessage: $("index-message"), summary: $("summary"), error: $("error"), results: $("results"), card: $("card"),
};
let maxUploadBytes = 8 * 1024 * 1024;
let previewUrl = null;
let searching = 0;

async function api(url, options) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, ...options });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body && (body.detail || body.title) || `${response.status} ${response.statusText}`;
    throw new Error(detail);
  }
  return body;
}

function showError(message) {
  els.error.textContent = message;
  els.error.hidden = !message;
}

async function refreshStatus() {
  try {
    const s = await api("/api/status");
    maxUploadBytes = s.maxUploadBytes;
    els.status.textContent = `${s.count.toLocaleString()} images · model ${s.model} (${s.dimension}-d) · store ${s.store} (${s.index}) · folder ${s.imageFolder}`;
    els.q.disabled = !s.textSearch;
    showIndexing(s.indexing);
  } catch (e) {
    els.status.textContent = `Status unavailable: ${e.message}`;
  }
}

async function search(label, request) {
  const ticket = ++searching;
  showError("");
  els.summary.textContent = `Searching ${label}…`;
  els.results.setAttribute("aria-busy", "true");
  try {
    const result = await request();
    if (ticket !== searching) return; // a newer search has started
    render(result, label);
  } catch (e) {
    if (ticket !== searching) return;
    els.summary.textContent = "The search failed.";
    showError(e.message);
  } finally {
    if (ticket === searching) els.results.removeAttribute("aria-busy");
  }
}

function render(result, label) {
  const items = result.hits.map((hit) => {
    const li = els.card.content.firstElementChild.cloneNode(true);
    const img = li.querySelector(".thumb");
    img.src = hit.thumbnailUrl;
    img.alt = hit.fileName;
    const name = li.querySelector(".name");
    name.textContent = hit.fileName;
    name.title = hit.fileName;
    li.querySelector(".score").textContent = hit.score.toFixed(3);
    li.dataset.id = hit.id;
    const more = li.querySelector(".similar");
    more.setAttribute("aria-label", `More like ${hit.fileName}`);
    more.addEventListener("click", () => searchSimilar(hit));
    return li;
  });
  els.results.replaceChildren(...items);
  const n = result.hits.length;
  els.summary.textContent = `${n} result${n === 1 ? "" : "s"} for ${label} in ${result.elapsedMilliseconds.toFixed(1)} ms.`;
}

function searchText(text) {
  const q = text.trim();
  if (!q) return;
  const not = els.not.value.trim();
  const exclude = not ? `&not=${encodeURIComponent(not)}` : "";
  search(not ? `“${q}” without “${not}”` : `“${q}”`, () => api(`/api/search?q=${encodeURIComponent(q)}${exclude}`));
}

function searchSimilar(hit) {
  setPreview(null);
  search(`images like ${hit.fileName}`, () => api(hit.similarUrl));
  $("results-heading").focus();
}

function searchImage(file) {
  if (!file) return;
  if (!file.type.startsWith("image/") && file.type !== "") {
    showError(`${file.name} is not an image (${file.type}).`);
    return;
  }
  if (file.size > maxUploadBytes) {
    showError(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${(maxUploadBytes / 1048576).toFixed(1)} MB.`);
    return;
  }
  setPreview(file);
  const form = new FormData();
  form.append("image", file, file.name || "pasted-image.png");
  search(`images like ${file.name || "the pasted image"}`, () => api("/api/search/image", { method: "POST", body: form }));
}

function setPreview(file) {
  if (previewUrl) URL.revokeObjectURL(previewUrl);
  previewUrl = file ? URL.createObjectURL(file) : null;
  els.preview.hidden = !file;
  if (file) {
    els.preview.src = previewUrl;
    els.preview.alt = `Query image ${file.name || "pasted"}`;
  }
}

function showIndexing(s) {
  const running = s.state === "running";
  els.start.disabled = running;
  els.cancel.disabled = !running;
  els.progress.max = Math.max(s.total, 1);
  els.progress.value = s.state === "completed" ? Math.max(s.total, 1) : s.done;
  els.progress.setAttribute("aria-valuetext", `${s.done} of ${s.total} images`);
  els.indexMessage.textContent = s.state === "idle" ? "" : `${s.message}${running && s.imagesPerSecond ? ` (${s.imagesPerSecond} images/s)` : ""}`;
  els.indexMessage.dataset.state = s.state;
}

function watchIndexing() {
  const events = new EventSource("/api/indexing/events");
  let last = null;
  events.addEventListener("status", (event) => {
    const s = JSON.parse(event.data);
    showIndexing(s);
    if (last !== null && last !== s.state && s.state !== "running") refreshStatus();
    last = s.state;
  });
}

els.form.addEventListener("submit", (event) => {
  event.preventDefault();
  searchText(els.q.value);
});
els.choose.addEventListener("click", () => els.file.click());
els.file.addEventListener("change", () => {
  searchImage(els.file.files[0]);
  els.file.value = "";
});
for (const type of ["dragenter", "dragover"]) {
  els.drop.addEventListener(type, (event) => { event.preventDefault(); els.drop.classList.add("over"); });
}
for (const type of ["dragleave", "drop"]) {
  els.drop.addEventListener(type, () => els.drop.classList.remove("over"));
}
els.drop.addEventListener("drop", (event) => {
  event.preventDefault();
  searchImage(event.dataTransfer.files[0]);
});
document.addEventListener("paste", (event) => {
  const file = [...(event.clipboardData?.files || [])].find((f) => f.type.startsWith("image/"));
  if (file) {
    event.preventDefault();
    searchImage(file);
  }
});
els.start.addEventListener("click", async () => {
  showError("");
  try {
    showIndexing(await api("/api/indexing", { method: "POST" }));
  } catch (e) {
    showError(e.message);
  }
});
els.cancel.addEventListener("click", async () => {
  try {
    await api("/api/indexing", { method: "DELETE" });
  } catch (e) {
    showError(e.message);
  }
});

refreshStatus();
watchIndexing();
