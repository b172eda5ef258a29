// thaadsim app: the page. Talks to the local server (thaadsim.app.server) only; draws with the
// plotly.js that the installed plotly package ships. No network beyond this server.
'use strict';

const S = {layout: null, answers: null, outline: null, version: 0, busy: 0};
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
  S.version++;
  renderAnswers();
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
  $('questions').innerHTML = L.questions.map((q) => `<li>${esc(q)}</li>`).join('') || '<li>(the scenario asks none)</li>';
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

$('footprint').addEventListener('click', async () => {
  try {
    await api('POST', '/api/footprint');
    $('footprint-state').textContent = 'flying the aimpoint grid ...';
    const check = async () => {
      const r = await api('GET', '/api/footprint');
      if (r.state === 'running') { setTimeout(check, 1000); return; }
      if (r.state === 'error') { showError(r.error); $('footprint-state').textContent = ''; return; }
      S.footprint = r.result;
      $('footprint-state').textContent = r.result.footprints.map((f) => `${f.label}: ${Number(f.area_km2).toLocaleString('en')} km² defended` +
        ` (${f.aimpoints} aimpoints, cells ${f.cell_km} km${f.touches_edge ? '; reaches the grid edge: larger in fact' : ''})`).join('; ');
      if (S.answers) drawMap();
    };
    setTimeout(check, 1000);
  } catch (e) { showError(e.message); }
});

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
  a.coverage.forEach((c, k) => traces.push({type: 'scatter', mode: 'lines', fill: 'toself', x: c.lon, y: c.lat,
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
  };
  Plotly.react('map', traces, layout, {scrollZoom: true, displaylogo: false, responsive: true});
}

// ---- start ---------------------------------------------------------------------------------------
(async function start() {
  try {
    S.layout = await api('GET', '/api/layout');
    S.outline = await (await fetch('/map.geojson')).json();
    renderControls();
    await poll();
  } catch (e) { showError(e.message); }
})();
