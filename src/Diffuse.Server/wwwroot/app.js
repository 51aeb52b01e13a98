// Diffuse studio: plain JavaScript over the HTTP API of docs/serve.md, no build step.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { models: [], model: null, job: null, events: null, source: null, hasMask: false, runs: [], run: null, losses: [], runTimer: null };

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const retry = response.headers.get("retry-after");
    throw new Error((body && body.error ? body.error : `HTTP ${response.status}`) + (retry ? ` (retry in ${retry} s)` : ""));
  }
  return body;
}

function say(text, where = "message") { $(where).textContent = text; }

// ---- models and the form that follows them ----
async function loadModels() {
  state.models = await api("/api/models");
  const select = $("model");
  select.innerHTML = "";
  for (const m of state.models) {
    const option = new Option(m.error ? `${m.name} (cannot load)` : `${m.name} — ${describe(m)}`, m.name);
    option.disabled = !!m.error;
    select.add(option);
  }
  const first = state.models.find((m) => !m.error);
  if (first) { select.value = first.name; modelChanged(); }
  else say("no usable model in the models folder");
}

function describe(m) {
  if (m.takes_text) return "text to image";
  if (m.class_count) return `${m.class_count} classes`;
  if (m.upscale_factor) return `×${m.upscale_factor} super-resolution`;
  return "unconditional";
}

function modelChanged() {
  const m = state.models.find((x) => x.name === $("model").value);
  state.model = m;
  if (!m) return;
  $("text-fields").hidden = !m.takes_text;
  $("class-field").hidden = !m.class_count;
  $("size-fields").hidden = !m.takes_image_size;
  $("strength-field").hidden = !m.edits;
  const classes = $("class");
  classes.innerHTML = "";
  classes.add(new Option("one chosen from the seed", ""));
  for (let k = 0; k < (m.class_count || 0); k++) classes.add(new Option(m.class_names ? `${k}: ${m.class_names[k]}` : `${k}`, String(k)));
  const sampler = $("sampler");
  sampler.innerHTML = "";
  sampler.add(new Option(`the model's own (${m.default_sampler || "default"})`, ""));
  for (const s of m.samplers) sampler.add(new Option(s, s));
  $("guidance-scale").value = m.default_guidance_scale;
  if (m.takes_image_size) { $("width").value = m.width; $("height").value = m.height; }
  const notes = [`${m.pipeline}: ${m.width}×${m.height}, ${m.channels === 1 ? "grey" : "colour"}`];
  if (m.upscale_factor) notes.push(`upscales a ${m.input_size}×${m.input_size} start image (load one below)`);
  if (m.edits) notes.push("with a start image: image-to-image; paint a mask on it to inpaint");
  say(notes.join("\n"), "model-note");
  drawSource();
  updateButtons();
}

function requestBody() {
  const m = state.model;
  const body = { model: m.name, steps: +$("steps").value, seed: +$("seed").value, count: +$("count").value };
  if ($("sampler").value) body.sampler = $("sampler").value;
  const scale = parseFloat($("guidance-scale").value);
  if (!Number.isNaN(scale) && (scale !== m.default_guidance_scale || m.takes_text)) body.guidance_scale = scale;
  if (m.takes_text) { body.prompt = $("prompt").value; if ($("negative-prompt").value) body.negative_prompt = $("negative-prompt").value; }
  if (m.class_count && $("class").value !== "") body.class = +$("class").value;
  if (m.takes_image_size) { body.width = +$("width").value; body.height = +$("height").value; }
  if (state.source && (m.edits || m.upscale_factor)) {
    body.image = state.source.dataUrl;
    if (m.edits) body.strength = parseFloat($("strength").value);
  }
  return body;
}

// ---- running a job, with progress and previews over server-sent events ----
async function submit(body) {
  setBusy(true);
  $("progress").value = 0;
  say("queued…");
  try {
    const job = await api("/api/generate", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    state.job = job;
    say(`job ${job.id}, seed ${job.seed}: waiting for the model…`);
    const events = new EventSource(job.events);
    state.events = events;
    events.addEventListener("progress", (e) => {
      const p = JSON.parse(e.data);
      if (p.steps) { $("progress").max = p.steps; $("progress").value = p.step; say(`job ${job.id}, seed ${job.seed}: step ${p.step}/${p.steps}`); }
      if (p.preview) $("preview").src = p.preview;
    });
    events.addEventListener("done", (e) => {
      const d = JSON.parse(e.data);
      finish(`done in ${d.seconds.toFixed(1)} s (seed ${d.seed})`);
      $("preview").src = d.image + "?t=" + Date.now();
      $("parameters").textContent = d.parameters || "";
      loadGallery();
    });
    events.addEventListener("failed", (e) => finish("failed: " + JSON.parse(e.data).error));
    events.addEventListener("cancelled", () => finish("cancelled"));
    events.onerror = () => { if (state.events === events && events.readyState === EventSource.CLOSED) finish("lost the connection to the server"); };
  } catch (error) {
    finish(error.message);
  }
}

function finish(text) {
  if (state.events) state.events.close();
  state.events = null;
  state.job = null;
  say(text);
  setBusy(false);
}

function setBusy(busy) {
  $("generate-button").disabled = busy;
  $("cancel-button").disabled = !busy;
  updateButtons(busy);
}

function updateButtons(busy = !!state.job) {
  $("inpaint-button").disabled = busy || !(state.model && state.model.edits && state.source && state.hasMask);
}

// ---- the start image and the mask painted over it ----
function loadSource(url) {
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
    canvas.getContext("2d").drawImage(image, 0, 0);
    state.source = { dataUrl: canvas.toDataURL("image/png"), image, width: canvas.width, height: canvas.height };
    clearMask();
    drawSource();
  };
  image.src = url;
}

function drawSource() {
  const ctx = $("source-canvas").getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = "#000"; ctx.fillRect(0, 0, 280, 280);
  if (state.source) ctx.drawImage(state.source.image, 0, 0, 280, 280);
  updateButtons();
}

function clearMask() {
  $("mask-canvas").getContext("2d").clearRect(0, 0, 280, 280);
  state.hasMask = false;
  updateButtons();
}

// A stroke from the last point to this one, so a fast drag leaves a line, not dots.
function paintAt(event, last) {
  const canvas = $("mask-canvas");
  const box = canvas.getBoundingClientRect();
  const x = (event.clientX - box.left) * (canvas.width / box.width), y = (event.clientY - box.top) * (canvas.height / box.height);
  const ctx = canvas.getContext("2d");
  ctx.strokeStyle = ctx.fillStyle = "#ff3b3b";
  ctx.lineWidth = +$("brush").value; ctx.lineCap = "round";
  ctx.beginPath();
  if (last) { ctx.moveTo(last.x, last.y); ctx.lineTo(x, y); ctx.stroke(); }
  else { ctx.arc(x, y, ctx.lineWidth / 2, 0, 2 * Math.PI); ctx.fill(); }
  state.lastPoint = { x, y };
  state.hasMask = true;
  updateButtons();
}

// The mask the API takes: the start image's size, white where it is kept, black where it is painted.
function maskDataUrl() {
  const { width, height } = state.source;
  const small = document.createElement("canvas");
  small.width = width; small.height = height;
  const ctx = small.getContext("2d");
  ctx.drawImage($("mask-canvas"), 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const v = pixels.data[i + 3] > 0 ? 0 : 255;
    pixels.data[i] = pixels.data[i + 1] = pixels.data[i + 2] = v; pixels.data[i + 3] = 255;
  }
  ctx.putImageData(pixels, 0, 0);
  return small.toDataURL("image/png");
}

// ---- gallery and PNG settings ----
async function loadGallery() {
  const items = await api("/api/outputs?limit=48");
  const gallery = $("gallery");
  gallery.innerHTML = "";
  for (const item of items) {
    const div = document.createElement("div");
    div.className = "item";
    const img = new Image();
    img.src = item.url; img.alt = item.name; img.title = item.parameters || item.name; img.className = "gallery-item";
    img.onclick = () => { $("preview").src = item.url; $("parameters").textContent = item.parameters || ""; };
    const edit = document.createElement("button");
    edit.textContent = "Edit"; edit.className = "edit"; edit.onclick = () => loadSource(item.url);
    const restore = document.createElement("button");
    restore.textContent = "Settings"; restore.onclick = async () => restoreFrom(await (await fetch(item.url)).blob());
    div.append(img, edit, restore);
    gallery.append(div);
  }
}

async function restoreFrom(blob) {
  try {
    const info = await api("/api/png-info", { method: "POST", body: blob, headers: { "content-type": "image/png" } });
    if (!info.parameters) { say("that PNG carries no parameters"); return; }
    applySettings(info.settings);
    $("parameters").textContent = info.parameters;
    say("settings restored from the PNG");
  } catch (error) { say(error.message); }
}

function applySettings(s) {
  if (s.model && state.models.some((m) => m.name === s.model && !m.error)) { $("model").value = s.model; modelChanged(); }
  const set = (id, value) => { if (value !== undefined && value !== null) $(id).value = value; };
  set("prompt", s.prompt); set("negative-prompt", s.negative_prompt); set("steps", s.steps); set("seed", s.seed);
  set("guidance-scale", s.guidance_scale); set("width", s.width); set("height", s.height); set("strength", s.strength);
  if (typeof s.class === "number") set("class", String(s.class));
  if (s.sampler && [...$("sampler").options].some((o) => o.value === s.sampler)) $("sampler").value = s.sampler;
}

// ---- training monitor ----
async function refreshRuns() {
  let answer;
  try { answer = await api("/api/runs"); } catch (error) { say(error.message, "run-note"); return; }
  if (!answer.enabled) { say("the training monitor is off: start the server with --runs DIR", "run-note"); $("train-button").disabled = true; return; }
  state.runs = answer.runs;
  const select = $("run");
  const chosen = state.run || (answer.runs[0] && answer.runs[0].name);
  select.innerHTML = "";
  for (const r of answer.runs) select.add(new Option(`${r.name}${r.state ? " (" + r.state + ")" : ""}`, r.name));
  if (chosen) { select.value = chosen; await showRun(chosen); }
}

async function showRun(name) {
  if (state.run !== name) { state.run = name; state.losses = []; }
  const run = state.runs.find((r) => r.name === name);
  if (!run) return;
  const more = await api(`/api/runs/${encodeURIComponent(name)}/loss?from=${state.losses.length}`);
  state.losses.push(...more);
  drawLoss();
  const parts = [`step ${run.step}${run.total_steps ? " of " + run.total_steps : ""}`];
  if (run.last_loss != null) parts.push(`loss ${run.last_loss.toFixed(4)}`);
  if (run.state) parts.push(run.state);
  if (run.message) parts.push(run.message);
  say(parts.join(" · "), "run-note");
  $("stop-button").disabled = run.state !== "running";
  const latest = run.previews.length ? run.previews[run.previews.length - 1] : run.samples;
  if (latest && !$("run-preview").src.endsWith(latest)) $("run-preview").src = latest;
  $("preview-step").textContent = latest ? latest.split("/").pop() : "none yet";
  const strip = $("run-previews");
  if (strip.childElementCount !== run.previews.length) {
    strip.innerHTML = "";
    for (const url of run.previews) { const img = new Image(); img.src = url; img.title = url.split("/").pop(); img.onclick = () => ($("run-preview").src = url); strip.append(img); }
  }
}

function drawLoss() {
  const canvas = $("loss-chart"), ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height, pad = 40;
  ctx.clearRect(0, 0, w, h);
  const data = state.losses;
  ctx.fillStyle = "#9aa3b5"; ctx.font = "12px system-ui";
  if (data.length < 2) { ctx.fillText("no loss records yet", pad, h / 2); return; }
  const logs = data.map((r) => Math.log10(Math.max(r.loss, 1e-8)));
  const lo = Math.min(...logs), hi = Math.max(...logs), first = data[0].step, last = data[data.length - 1].step;
  const x = (step) => pad + (w - 2 * pad) * (step - first) / Math.max(1, last - first);
  const y = (v) => h - pad + (2 * pad - h) * (v - lo) / Math.max(1e-9, hi - lo);
  ctx.strokeStyle = "#323846"; ctx.strokeRect(pad, pad, w - 2 * pad, h - 2 * pad);
  ctx.fillText(`${Math.pow(10, hi).toPrecision(3)}`, 2, pad + 4); ctx.fillText(`${Math.pow(10, lo).toPrecision(3)}`, 2, h - pad);
  ctx.fillText(`step ${first}`, pad, h - 12); ctx.fillText(`step ${last}`, w - pad - 60, h - 12);
  const line = (values, colour) => { ctx.strokeStyle = colour; ctx.beginPath(); values.forEach((v, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(data[i].step), y(v))); ctx.stroke(); };
  line(logs, "rgba(154,163,181,0.45)");
  let smooth = logs[0];
  line(logs.map((v) => (smooth = 0.95 * smooth + 0.05 * v)), "#e0823d");
}

async function startTraining() {
  const body = {
    name: $("train-name").value, data: $("train-data").value, preset: $("train-preset").value, steps: +$("train-steps").value,
    batch: +$("train-batch").value, sample_every: +$("train-sample-every").value, checkpoint_every: +$("train-checkpoint-every").value,
    sample_count: +$("train-sample-count").value, sample_steps: +$("train-sample-steps").value,
    conditional: $("train-conditional").checked, resume: $("train-resume").checked,
  };
  if (body.resume) { delete body.data; delete body.preset; delete body.batch; delete body.sample_every; delete body.checkpoint_every; delete body.conditional; delete body.sample_count; delete body.sample_steps; }
  try {
    await api("/api/runs", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    say(`started ${body.name}`, "train-message");
    state.run = body.name;
    refreshRuns();
  } catch (error) { say(error.message, "train-message"); }
}

// ---- wiring ----
function showTab(name) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === name);
  for (const panel of document.querySelectorAll(".panel")) panel.classList.toggle("active", panel.id === name);
  clearInterval(state.runTimer);
  if (name === "training") { refreshRuns(); state.runTimer = setInterval(refreshRuns, 2000); }
}

for (const tab of document.querySelectorAll(".tab")) tab.onclick = () => showTab(tab.dataset.tab);
$("model").onchange = modelChanged;
$("generate-button").onclick = () => submit(requestBody());
$("inpaint-button").onclick = () => submit({ ...requestBody(), image: state.source.dataUrl, mask: maskDataUrl(), strength: undefined });
$("cancel-button").onclick = () => { if (state.job) fetch(`/api/jobs/${state.job.id}`, { method: "DELETE" }); };
$("image-file").onchange = (e) => { const file = e.target.files[0]; if (file) loadSource(URL.createObjectURL(file)); };
$("clear-mask").onclick = clearMask;
$("clear-image").onclick = () => { state.source = null; $("image-file").value = ""; clearMask(); drawSource(); };
let painting = false;
$("mask-canvas").addEventListener("pointerdown", (e) => { if (!state.source) return; painting = true; $("mask-canvas").setPointerCapture(e.pointerId); paintAt(e, null); });
$("mask-canvas").addEventListener("pointermove", (e) => { if (painting) paintAt(e, state.lastPoint); });
$("mask-canvas").addEventListener("pointerup", () => (painting = false));
$("run").onchange = () => showRun($("run").value);
$("train-button").onclick = startTraining;
$("stop-button").onclick = async () => { try { await api(`/api/runs/${encodeURIComponent(state.run)}/stop`, { method: "POST" }); refreshRuns(); } catch (error) { say(error.message, "run-note"); } };
document.addEventListener("dragover", (e) => { e.preventDefault(); document.body.classList.add("dragging"); });
document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.addEventListener("drop", (e) => {
  e.preventDefault();
  document.body.classList.remove("dragging");
  const file = e.dataTransfer.files[0];
  if (file) restoreFrom(file);
});
window.addEventListener("beforeunload", () => { if (state.events) state.events.close(); });

loadModels().then(loadGallery).then(() => ($("status").textContent = "ready")).catch((error) => say(error.message));
