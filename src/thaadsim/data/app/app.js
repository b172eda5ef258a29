// thaadsim app: the page. Talks to the local server (thaadsim.app.server) only; draws with the
// plotly.js that the installed plotly package ships. No network beyond this server.
'use strict';

// question: the index of the scenario question the page is switched to (-1: every answer)
const S = {layout: null, answers: null, outline: null, version: 0, busy: 0, question: -1, strategic: null, drawings: 0};
window.thaadsimApp = S;            // read by the browser test and handy in the console

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const fmt = (v, d = 1) => (v === null || v === undefined) ? '–' : Number(v).toFixed(d);

async function api(method, url, payload) {
  const opts = {method, headers: {'Content-Type': 'application/json'}};
  if (payload !== undefined) opts.body = JSON.stringify(payload);
  const r = await fetch(url, opts);
  let data;
  try { data = await r.json(); } catch (e) { data = {error: `the server answered ${r.status}`}; }
  if (!r.ok || data.error) throw new Error(data.error || `the server answered ${r.status}`);
  return data;
}

function setStatus(text, flying = false) {
  $('status').textContent = text;
  $('status').className = 'status' + (flying ? ' flying' : '');
}
function showError(text) { $('error').textContent = text ? `error: ${text}` : ''; }

// A number typed in a field: sent as a number when it reads as one, else as typed, so the
// server's schema answers with its one-line message ("... is not a number").
function numeric(text) {
  const t = String(text).trim();
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : t;
}

async function change(changes) {
  S.busy++;
  setStatus('recomputing ...');
  try {
    const d = await api('POST', '/api/change', {changes});
    showError('');
    S.layout = d.layout;
    renderControls();
    handleAnswers(d.answers);
  } catch (e) {
    showError(e.message);
    setStatus('unchanged');
    renderControls();        // back to the values in force
    if (S.answers) drawMap(); // a dragged ring goes back to its site
  } finally { S.busy--; }
}

async function postThen(url, payload) {
  S.busy++;
  try {
    const d = await api('POST', url, payload);
    showError('');
    S.layout = d.layout;
    renderControls();
    handleAnswers(d.answers);
  } catch (e) { showError(e.message); } finally { S.busy--; }
}

function handleAnswers(a) {
  if (a.status === 'flying') {
    setStatus(`flying ${a.threats} threats ... (the answers follow when they land)`, true);
    setTimeout(poll, 1000);
    return;
  }
  if (a.status === 'error') {
    showError(a.error);
    setStatus('the threats could not be flown');
    if (a.undone) reloadLayout();      // back to the layout before that change
    return;
  }
  S.answers = a;
  renderAnswers();
  applyView();
  S.version++;
  setStatus(`updated: recomputed in ${a.compute_s} s`);
}

async function reloadLayout() {
  try {
    S.layout = await api('GET', '/api/layout');
    renderControls();
    handleAnswers(await api('GET', '/api/answers'));
  } catch (e) { showError(e.message); }
}

async function poll() {
  try { handleAnswers(await api('GET', '/api/answers')); } catch (e) { showError(e.message); }
}

// ---- controls ------------------------------------------------------------------------------
function options(values, selected, labels) {
  return values.map((v, i) => `<option value="${esc(v)}"${v === selected ? ' selected' : ''}>${esc(labels ? labels[i] : v)}</option>`).join('');
}

function renderControls() {
  const L = S.layout;
  $('title').textContent = L.title;
  if (S.question >= L.questions.length) S.question = -1;
  $('question').innerHTML = `<option value="-1">every answer${L.questions.length ? '' : ' (the scenario asks no question)'}</option>` +
    L.questions.map((q, i) => `<option value="${i}"${i === S.question ? ' selected' : ''}>${i + 1}. ${esc(q.text)}` +
      `${q.view ? ` [${esc(VIEW_NAMES[q.view])}${q.alt_km !== null ? ` at ${q.alt_km} km` : ''}]` : ''}</option>`).join('');
  const targets = [...L.batteries.map((b, i) => [`battery:${i}`, `battery ${b.id}`]), ...L.radars.map((r, i) => [`radar:${i}`, `radar ${r.id}`])];
  const keep = $('move-target').value;
  $('move-target').innerHTML = options(targets.map((t) => t[0]), keep || targets[0]?.[0], targets.map((t) => t[1]));

  const modes = L.choices.radar;
  $('radars').innerHTML = L.radars.map((r, i) => `<div class="site"><b>${esc(r.id)}</b>
    <label>mode <select id="radar-${i}-mode" data-path="radars.${i}.radar">${options(modes.includes(r.radar) ? modes : [...modes, r.radar], r.radar,
      (modes.includes(r.radar) ? modes : [...modes, r.radar]).map((m) => ({'tpy2-tm': 'TPY-2 terminal', 'tpy2-fbm': 'TPY-2 forward-based'}[m] || m)))}</select></label>
    <label>face ° <input id="radar-${i}-face" type="number" min="0" max="359.9" step="5" value="${r.face_az_deg}" data-path="radars.${i}.face_az_deg"></label>
    <input id="radar-${i}-face-slider" type="range" min="0" max="355" step="5" value="${r.face_az_deg}" data-path="radars.${i}.face_az_deg"><br>
    <label>lat <input id="radar-${i}-lat" type="number" step="0.05" value="${r.lat_deg}" data-path="radars.${i}.lat_deg"></label>
    <label>lon <input id="radar-${i}-lon" type="number" step="0.05" value="${r.lon_deg}" data-path="radars.${i}.lon_deg"></label></div>`).join('') || '<p class="hint">no radars</p>';

  $('batteries').innerHTML = L.batteries.map((b, i) => `<div class="site"><b>${esc(b.id)}</b>
    <label>interceptor <select id="battery-${i}-interceptor" data-path="batteries.${i}.interceptor">${options(L.choices.interceptor, b.interceptor)}</select></label>
    <label>Pk <input id="battery-${i}-pk" type="number" min="0" max="1" step="0.05" value="${b.pk ?? ''}" placeholder="catalog" data-path="batteries.${i}.pk"></label><br>
    <label>launchers <input id="battery-${i}-launchers" type="number" min="1" max="64" value="${b.launchers}" data-path="batteries.${i}.launchers"></label>
    <label>rounds each <input id="battery-${i}-rounds" type="number" min="1" max="128" value="${b.interceptors_per_launcher}" data-path="batteries.${i}.interceptors_per_launcher"></label><br>
    <label>lat <input id="battery-${i}-lat" type="number" step="0.05" value="${b.lat_deg}" data-path="batteries.${i}.lat_deg"></label>
    <label>lon <input id="battery-${i}-lon" type="number" step="0.05" value="${b.lon_deg}" data-path="batteries.${i}.lon_deg"></label></div>`).join('') || '<p class="hint">no batteries</p>';

  $('doctrine-mode').innerHTML = options(L.choices.doctrine_mode, L.doctrine.mode);
  $('doctrine-mode').dataset.path = 'doctrine.mode';
  $('coverage-alts').value = L.coverage_alt_km.join(', ');

  $('threats').innerHTML = L.threats.map((t, i) => `<div class="site" id="threat-${i}">${esc(t.missile)} ${esc(t.shape || 'min-energy')}${t.apogee_km ? ` (apogee ${t.apogee_km} km)` : ''}
    ${esc(t.launch_area ?? `${t.launch_lat_deg},${t.launch_lon_deg}`)} → ${esc(t.aimpoint ?? `${t.aim_lat_deg},${t.aim_lon_deg}`)}${(t.count || 1) > 1 ? ` ×${t.count}` : ''}
    <button id="threat-remove-${i}" data-index="${i}" class="remove">remove</button></div>`).join('');
  $('new-missile').innerHTML = options(L.choices.missile, $('new-missile').value || L.choices.missile[0]);
  $('new-launch').innerHTML = options(L.launch_areas.map((a) => a.name), $('new-launch').value);
  $('new-aim').innerHTML = options(L.assets.map((a) => a.name), $('new-aim').value);
  $('new-shape').innerHTML = options(L.choices.shape, $('new-shape').value || 'min-energy');
}

// ---- the scenario's questions: each may name the answer view it is about -------------------
const VIEW_NAMES = {raid: 'raid', engagement_windows: 'engagement windows', detections: 'detections',
  coverage: 'coverage', footprint: 'defended footprint', strategic: 'strategic table'};

function currentQuestion() { return S.question >= 0 ? S.layout.questions[S.question] : null; }

// Show the selected question's view (every view for "every answer" or a plain question) and its
// live answer under the question; the footprint and the strategic table are started on request.
function applyView() {
  const q = currentQuestion();
  const view = q ? q.view : null;
  for (const el of document.querySelectorAll('#results .view')) {
    el.hidden = el.dataset.view === 'strategic' ? view !== 'strategic' : (view !== null && el.dataset.view !== view);
  }
  const box = $('question-answer');
  box.dataset.view = view || '';
  if (!q) { box.textContent = ''; return; }
  if (!view) { box.textContent = 'A plain question (linked to no view): every answer is shown.'; return; }
  if (!S.answers) { box.textContent = 'waiting for the answers ...'; return; }
  if (view === 'footprint') {
    if (S.footprint && S.footprint.revision === S.answers.revision) box.textContent = footprintText(S.footprint);
    else { box.textContent = 'flying the aimpoint grid for the defended footprint ...'; startFootprint(); }
  } else if (view === 'strategic') {
    if (S.strategic && S.strategic.revision === S.answers.revision) box.textContent = S.strategic.answer;
    else { box.textContent = 'computing the strategic table (every launch area x target) ...'; startStrategic(); }
  } else {
    box.textContent = (S.answers.question_answers || [])[S.question] || 'not computed for this layout';
  }
}

$('question').addEventListener('change', (ev) => {
  S.question = Number(ev.target.value);
  // the address says which question is open (#q2): a link or a reload opens the same view
  history.replaceState(null, '', S.question >= 0 ? `#q${S.question + 1}` : location.pathname);
  applyView();
  if (S.answers) drawMap();      // coverage at the question's altitude only
});
S.selectQuestion = (i) => { $('question').value = String(i); $('question').dispatchEvent(new Event('change')); };

function onFieldChange(ev) {
  const el = ev.target;
  const path = el.dataset.path;
  if (!path) return;
  const value = el.tagName === 'SELECT' ? el.value : numeric(el.value);
  change([{path, value}]);
}

document.addEventListener('change', (ev) => {
  if (ev.target.id === 'coverage-alts') {
    const vals = ev.target.value.split(',').map((s) => s.trim()).filter((s) => s).map(numeric);
    change([{path: 'analysis.coverage_alt_km', value: vals}]);
  } else if (ev.target.closest('#radars, #batteries') || ev.target.id === 'doctrine-mode') {
    onFieldChange(ev);
  }
});

document.addEventListener('click', (ev) => {
  const t = ev.target;
  if (t.classList.contains('remove')) postThen('/api/threats/remove', {index: Number(t.dataset.index)});
});

$('add-threat').addEventListener('click', () => {
  const threat = {missile: $('new-missile').value, launch_area: $('new-launch').value, aimpoint: $('new-aim').value,
    shape: $('new-shape').value, count: numeric($('new-count').value || '1')};
  const apo = numeric($('new-apogee').value);
  if (apo !== null) threat.apogee_km = apo;
  postThen('/api/threats/add', {threat});
});

// ---- placing sites on the map ----------------------------------------------------------------
$('place').addEventListener('click', () => {
  const gd = $('map');
  const fl = gd._fullLayout;
  if (!fl) return;
  const ov = $('overlay');
  Object.assign(ov.style, {left: `${fl.xaxis._offset}px`, top: `${fl.yaxis._offset}px`,
    width: `${fl.xaxis._length}px`, height: `${fl.yaxis._length}px`});
  ov.hidden = false;
  setStatus('click the map where the site goes (Esc cancels)');
});
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') $('overlay').hidden = true; });

$('overlay').addEventListener('click', (ev) => {
  const ov = $('overlay');
  const fl = $('map')._fullLayout;
  // plotly's own pixel -> data conversion of each axis (linear axes), as it draws them
  const box = ev.currentTarget.getBoundingClientRect();
  const lon = fl.xaxis.p2l(ev.clientX - box.left);
  const lat = fl.yaxis.p2l(ev.clientY - box.top);
  ov.hidden = true;
  moveSite($('move-target').value, Math.round(lat * 100) / 100, Math.round(lon * 100) / 100);
});

function moveSite(target, lat, lon) {
  const [kind, idx] = target.split(':');
  const i = Number(idx);
  const L = S.layout;
  const changes = [];
  if (kind === 'battery') {
    const b = L.batteries[i];
    changes.push({path: `batteries.${i}.lat_deg`, value: lat}, {path: `batteries.${i}.lon_deg`, value: lon});
    // its own radar moves with it when it stands at the battery's site
    const r = L.radars.findIndex((x) => x.id === b.radar);
    if (r >= 0 && Math.abs(L.radars[r].lat_deg - b.lat_deg) < 1e-6 && Math.abs(L.radars[r].lon_deg - b.lon_deg) < 1e-6) {
      changes.push({path: `radars.${r}.lat_deg`, value: lat}, {path: `radars.${r}.lon_deg`, value: lon});
    }
  } else {
    changes.push({path: `radars.${i}.lat_deg`, value: lat}, {path: `radars.${i}.lon_deg`, value: lon});
  }
  change(changes);
}
S.moveSite = moveSite;

// ---- save and report ------------------------------------------------------------------------------
$('save').addEventListener('click', async () => {
  try {
    const d = await api('POST', '/api/save', {name: $('save-name').value});
    showError('');
    $('saved').innerHTML = `saved <code id="saved-path">${esc(d.path)}</code>; <code>thaadsim run ${esc(d.path)}</code> reproduces it`;
  } catch (e) { showError(e.message); }
});

$('report').addEventListener('click', async () => {
  try {
    await api('POST', '/api/report');
    $('report-state').textContent = 'writing the report (full runs, every analysis the file asks for) ...';
    const check = async () => {
      const r = await api('GET', '/api/report');
      if (r.state === 'running') { setTimeout(check, 2000); return; }
      if (r.state === 'error') { showError(r.error); $('report-state').textContent = ''; return; }
      $('report-state').innerHTML = `<a id="report-link" href="${esc(r.url)}" target="_blank">report.html</a> (in ${esc(r.path)})`;
    };
    setTimeout(check, 1000);
  } catch (e) { showError(e.message); }
});

function footprintText(result) {
  return result.footprints.map((f) => `${f.label}: ${Number(f.area_km2).toLocaleString('en')} km² defended` +
    ` (${f.aimpoints} aimpoints, cells ${f.cell_km} km${f.touches_edge ? '; reaches the grid edge: larger in fact' : ''})`).join('; ');
}

// A background job on the server (footprint, strategic table): start it unless it runs, poll it,
// then hand its result over; errors are one line at the top of the page.
async function backgroundJob(url, stateEl, runningText, done) {
  if (S.jobs?.[url]) return;
  S.jobs = {...S.jobs, [url]: true};
  try {
    await api('POST', url);
    if (stateEl) stateEl.textContent = runningText;
    const check = async () => {
      try {
        const r = await api('GET', url);
        if (r.state === 'running') { setTimeout(check, 1000); return; }
        S.jobs[url] = false;
        if (r.state === 'error') { showError(r.error); if (stateEl) stateEl.textContent = ''; return; }
        done(r.result);
      } catch (e) { S.jobs[url] = false; showError(e.message); }
    };
    setTimeout(check, 1000);
  } catch (e) { S.jobs[url] = false; showError(e.message); }
}

function startFootprint() {
  backgroundJob('/api/footprint', $('footprint-state'), 'flying the aimpoint grid ...', (result) => {
    S.footprint = result;
    $('footprint-state').textContent = footprintText(result);
    if (S.answers) { drawMap(); applyView(); }
  });
}
$('footprint').addEventListener('click', startFootprint);

function startStrategic() {
  backgroundJob('/api/strategic', $('strategic-answer'), 'computing every launch area x target ...', (result) => {
    S.strategic = result;
    $('strategic-answer').textContent = result.answer;
    applyView();
  });
}

// ---- answers -------------------------------------------------------------------------------------
function renderAnswers() {
  const a = S.answers;
  const r = a.raid;
  $('raid').innerHTML = r ? `P(no leaker) <b id="p-no-leaker">${r.p_no_leaker.toFixed(4)}</b>
    [${r.p_no_leaker_ci95[0].toFixed(4)}–${r.p_no_leaker_ci95[1].toFixed(4)}] ·
    expected leakers <b id="expected-leakers">${r.expected_leakers.toFixed(3)}</b> ± ${r.expected_leakers_ci95_halfwidth.toFixed(3)} ·
    interceptors ${r.interceptors_expended_mean.toFixed(2)}
    <span class="hint">(${r.runs.toLocaleString('en')} Monte Carlo runs, seed ${r.seed}; 95 % Wilson interval and ±1.96 SE)</span>`
    : '<span class="hint">no raid (no batteries, or the raid is off in the file)</span>';
  $('engagements').innerHTML = '<tr><th>threat</th><th>battery</th><th>engageable</th><th>intercept window s</th><th>altitude km</th><th>shots</th><th>why not</th></tr>' +
    a.engagements.map((e) => `<tr class="${e.engageable ? 'yes' : 'no'}"><td>${esc(e.threat_id)}</td><td class="text">${esc(e.battery_id)}</td>
      <td>${e.engageable ? 'yes' : 'no'}</td><td>${e.engageable ? `${fmt(e.earliest_intercept_s, 0)}–${fmt(e.latest_intercept_s, 0)}` : '–'}</td>
      <td>${e.engageable ? `${fmt(e.intercept_alt_km_min)}–${fmt(e.intercept_alt_km_max)}` : '–'}</td><td>${e.shots_possible}</td>
      <td class="text">${esc(e.reason)}</td></tr>`).join('');
  $('detections').innerHTML = '<tr><th>threat</th><th>radar</th><th>detected</th><th>first s</th><th>altitude km</th><th>track s</th></tr>' +
    a.detections.map((d) => `<tr class="${d.detected ? 'yes' : 'no'}"><td>${esc(d.threat_id)}</td><td class="text">${esc(d.radar_id)}</td>
      <td>${d.detected ? 'yes' : 'no'}</td><td>${fmt(d.first_detection_s, 0)}</td><td>${fmt(d.first_detection_alt_km)}</td><td>${fmt(d.track_time_s, 0)}</td></tr>`).join('');
  $('answers').innerHTML = a.answers.map((s) => `<li>${esc(s)}</li>`).join('') + a.missing.map((s) => `<li class="error">not computed: ${esc(s)}</li>`).join('');
  drawMap();
}

function outlineTraces() {
  if (!S.outline) return [];
  return S.outline.features.map((f) => {
    const x = [], y = [];
    const lines = f.geometry.type === 'MultiLineString' ? f.geometry.coordinates : [f.geometry.coordinates];
    for (const line of lines) { for (const p of line) { x.push(p[0]); y.push(p[1]); } x.push(null); y.push(null); }
    const coast = f.properties.kind === 'coastline';
    return {type: 'scatter', mode: 'lines', x, y, hoverinfo: 'skip', showlegend: false,
      line: {color: coast ? '#8a8f99' : '#b9bdc6', width: coast ? 1 : 0.8, dash: coast ? 'solid' : 'dot'}};
  });
}

const COV_COLORS = ['rgba(0,110,220,0.16)', 'rgba(0,160,120,0.16)', 'rgba(160,80,200,0.16)', 'rgba(220,130,0,0.16)'];

function drawMap() {
  const L = S.layout, a = S.answers;
  const traces = outlineTraces();
  const q = currentQuestion();
  const altOnly = q && q.view === 'coverage' && q.alt_km !== null ? q.alt_km : null;
  a.coverage.filter((c) => altOnly === null || Math.abs(c.alt_km - altOnly) < 1e-9).forEach((c, k) => traces.push({type: 'scatter', mode: 'lines', fill: 'toself', x: c.lon, y: c.lat,
    name: `coverage ${c.radar_id} at ${c.alt_km} km`, meta: 'coverage', fillcolor: COV_COLORS[k % COV_COLORS.length],
    line: {color: COV_COLORS[k % COV_COLORS.length].replace('0.16', '0.7'), width: 1}, hoverinfo: 'name'}));
  // the footprint is of the layout it was computed for: drawn only while that layout stands
  if (S.footprint && S.footprint.revision === a.revision) {
    S.footprint.footprints.forEach((f) => traces.push({type: 'scatter', mode: 'lines', fill: 'toself', x: f.lon, y: f.lat,
      name: `defended: ${f.label}`, meta: 'footprint', fillcolor: 'rgba(30,150,60,0.22)', line: {color: '#1a7f37', width: 1.5, dash: 'dash'}}));
  } else if (S.footprint) {
    $('footprint-state').textContent = 'the layout changed: press again for its footprint';
    S.footprint = null;
  }
  a.tracks.forEach((t) => traces.push({type: 'scatter', mode: 'lines', x: t.lon, y: t.lat, name: t.threat_id,
    showlegend: false, line: {color: 'rgba(200,30,30,0.55)', width: 1.2}, hoverinfo: 'name'}));
  traces.push({type: 'scatter', mode: 'markers+text', name: 'launch areas', x: L.launch_areas.map((p) => p.lon_deg),
    y: L.launch_areas.map((p) => p.lat_deg), text: L.launch_areas.map((p) => p.name), textposition: 'top center',
    marker: {symbol: 'triangle-up', size: 9, color: '#c22'}, textfont: {size: 10, color: '#922'}});
  traces.push({type: 'scatter', mode: 'markers+text', name: 'defended assets', x: L.assets.map((p) => p.lon_deg),
    y: L.assets.map((p) => p.lat_deg), text: L.assets.map((p) => p.name), textposition: 'bottom center',
    marker: {symbol: 'square', size: 8, color: '#246'}, textfont: {size: 10}});
  const fx = [], fy = [];
  for (const r of L.radars) {   // the face direction: a 1.5 deg stroke from the site along face_az_deg
    const az = r.face_az_deg * Math.PI / 180, k = 1.5;
    fx.push(r.lon_deg, r.lon_deg + k * Math.sin(az) / Math.cos(r.lat_deg * Math.PI / 180), null);
    fy.push(r.lat_deg, r.lat_deg + k * Math.cos(az), null);
  }
  traces.push({type: 'scatter', mode: 'lines', name: 'radar faces', x: fx, y: fy, line: {color: '#06c', width: 2.5}, hoverinfo: 'skip'});
  traces.push({type: 'scatter', mode: 'markers', name: 'radars', x: L.radars.map((r) => r.lon_deg), y: L.radars.map((r) => r.lat_deg),
    text: L.radars.map((r) => `${r.id} (${r.radar}, face ${r.face_az_deg}°)`), hoverinfo: 'text',
    marker: {symbol: 'diamond', size: 11, color: '#06c'}});
  traces.push({type: 'scatter', mode: 'markers', name: 'batteries', x: L.batteries.map((b) => b.lon_deg), y: L.batteries.map((b) => b.lat_deg),
    text: L.batteries.map((b) => `${b.id} (${b.interceptor})`), hoverinfo: 'text',
    marker: {symbol: 'star', size: 13, color: '#1a7f37', line: {color: '#fff', width: 1}}});

  const pts = [...L.radars, ...L.batteries, ...L.assets, ...L.launch_areas];
  const lats = pts.map((p) => p.lat_deg), lons = pts.map((p) => p.lon_deg);
  const lat0 = (Math.min(...lats) + Math.max(...lats)) / 2;
  const layout = {
    uirevision: 'map', margin: {l: 40, r: 10, t: 10, b: 30}, dragmode: 'pan', hovermode: 'closest',
    legend: {x: 0.01, y: 0.01, bgcolor: 'rgba(255,255,255,0.8)', font: {size: 10}},
    xaxis: {title: {text: 'longitude °E', font: {size: 10}}, range: [Math.min(...lons) - 2, Math.max(...lons) + 2], zeroline: false, gridcolor: '#eee'},
    yaxis: {title: {text: 'latitude °N', font: {size: 10}}, range: [Math.min(...lats) - 1.5, Math.max(...lats) + 1.5], zeroline: false, gridcolor: '#eee',
      scaleanchor: 'x', scaleratio: 1 / Math.cos(lat0 * Math.PI / 180)},
    plot_bgcolor: '#fbfcfe',
    shapes: siteShapes(L),
    // uirevision keeps the user's zoom and pan; a new editrevision per drawing drops any edit of a
    // ring (a resize, or a drag the server refused), so each ring stands at its site in force
    editrevision: ++S.drawings,
  };
  // edits.shapePosition: the site rings can be dragged (nothing else is a shape on this map)
  Plotly.react('map', traces, layout, {scrollZoom: true, displaylogo: false, responsive: true,
    edits: {shapePosition: true}});
  const gd = $('map');
  if (!gd._thaadsimDrag) { gd.on('plotly_relayout', onShapeDragged); gd._thaadsimDrag = true; }
}

// ---- drag to move: each battery and radar is a ring (a plotly shape of fixed pixel size anchored
// at the site), draggable on the map; a drag ends in the same change request as Place + click.
// Radars are drawn first with the larger ring, so a battery on its radar's site is on top: its
// centre moves the battery (and that radar with it), the radar's outer ring the radar alone.
function ring(lat, lon, px, color, name) {
  return {type: 'circle', xref: 'x', yref: 'y', xsizemode: 'pixel', ysizemode: 'pixel', xanchor: lon, yanchor: lat,
    x0: -px, x1: px, y0: -px, y1: px, name, line: {color, width: 2}, fillcolor: color.replace('1)', '0.12)'), layer: 'above'};
}
function siteShapes(L) {
  return [...L.radars.map((r, i) => ring(r.lat_deg, r.lon_deg, 15, 'rgba(0,102,204,1)', `radar:${i}`)),
          ...L.batteries.map((b, i) => ring(b.lat_deg, b.lon_deg, 8, 'rgba(26,127,55,1)', `battery:${i}`))];
}

function onShapeDragged(ev) {
  const keys = Object.keys(ev);
  const moved = keys.map((k) => k.match(/^shapes\[(\d+)\]\.(xanchor|yanchor)$/)).filter((m) => m);
  if (!moved.length) {
    // a ring's edge dragged resizes it (plotly's shape editing): the site did not move, redraw it
    if (keys.some((k) => k.startsWith('shapes[')) && S.answers) drawMap();
    return;
  }
  const k = Number(moved[0][1]);
  const shape = $('map').layout.shapes[k];
  const lon = Number(ev[`shapes[${k}].xanchor`] ?? shape.xanchor), lat = Number(ev[`shapes[${k}].yanchor`] ?? shape.yanchor);
  moveSite(shape.name, Math.round(lat * 100) / 100, Math.round(lon * 100) / 100);
}

// ---- start ---------------------------------------------------------------------------------------
(async function start() {
  try {
    S.layout = await api('GET', '/api/layout');
    S.outline = await (await fetch('/map.geojson')).json();
    const m = location.hash.match(/^#q(\d+)$/);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= S.layout.questions.length) S.question = Number(m[1]) - 1;
    renderControls();
    await poll();
  } catch (e) { showError(e.message); }
})();
