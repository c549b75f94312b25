// The run console: one page, four views (#/ runs, #/runs/ID a run, #/datasets, #/new), fed live by the
// server-sent events of /api/v1/console/events (run records from il.runs, dead letters from
// il.demonstrations.dlq). No build step: plain ES modules, Chart.js from its WebJar.
import { canRender, drawFrame, preferredSize } from './render.js';

const state = {
  runs: new Map(),          // run id -> run record (as on il.runs)
  deadLetters: [],          // newest first
  deadLettersTotal: 0,
  view: null,               // the current view's object: { update(kind, data), close() }
};

// ---------- helpers ----------
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return e;
};
const fmt = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x)) ? '–' : Number(x).toFixed(digits);
const int = x => (x === null || x === undefined) ? '–' : Number(x).toLocaleString('en-US');
const bytes = n => n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
const phase = (p, id) => el('span', { class: `phase phase-${p}`, id }, p);

async function getJson(url, options) {
  const response = await fetch(url, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { error: text }; }
  if (!response.ok) throw new Error(body?.error ?? `${response.status} ${response.statusText}`);
  return body;
}

function budgetOf(spec) {
  return spec.max_env_steps ?? null;
}

// ---------- live feed ----------
function connect() {
  const live = $('#live');
  const source = new EventSource('api/v1/console/events');
  source.onopen = async () => {
    live.textContent = 'live';
    live.className = 'live on';
    // what happened before (or while disconnected): the snapshots; the stream carries the rest
    try {
      const [runs, letters] = await Promise.all([getJson('api/v1/console/runs'), getJson('api/v1/console/dead-letters')]);
      for (const r of runs.runs) acceptRun(r, false);
      state.deadLetters = [];
      state.deadLettersTotal = letters.total;
      for (const d of letters.dead_letters) state.deadLetters.push(d);
      state.view?.update('snapshot');
    } catch (e) {
      console.warn('snapshot failed', e);
    }
  };
  source.onerror = () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
  };
  source.addEventListener('run', event => acceptRun(JSON.parse(event.data), true));
  source.addEventListener('dead-letter', event => {
    const letter = JSON.parse(event.data);
    if (state.deadLetters.some(d => d.dlq_offset === letter.dlq_offset)) return;
    state.deadLetters.unshift(letter);
    state.deadLetters.length = Math.min(state.deadLetters.length, 200);
    state.deadLettersTotal += 1;
    state.view?.update('dead-letter', letter);
  });
}

function acceptRun(record, notify) {
  const old = state.runs.get(record.spec.run_id);
  if (old && old.status.updated_at_millis > record.status.updated_at_millis) return;
  state.runs.set(record.spec.run_id, record);
  if (notify) state.view?.update('run', record);
}

// ---------- views ----------
function runsView(main) {
  const body = el('tbody');
  main.replaceChildren(
    el('h2', {}, 'Runs'),
    el('table', { id: 'runs-table' },
      el('thead', {}, el('tr', {}, ['run', 'env', 'algorithm', 'phase', 'env steps', 'policy', 'latest evaluation',
        'stale / dup. batches', 'Kafka bytes'].map((h, i) => el('th', { class: i >= 4 && i !== 6 ? 'num' : '' }, h)))),
      body),
    el('p', { class: 'muted' }, 'Updated live from il.runs. ', el('a', { href: '#/new' }, 'Start a run'), '.'));
  const render = () => {
    const runs = [...state.runs.values()].sort((a, b) => b.status.started_at_millis - a.status.started_at_millis);
    body.replaceChildren(...(runs.length ? runs.map(runRow)
      : [el('tr', {}, el('td', { colspan: 9, class: 'muted' }, 'No runs yet.'))]));
  };
  render();
  return { update: render, close() {} };
}

function runRow(r) {
  const s = r.status, spec = r.spec, e = s.evaluation;
  const budget = budgetOf(spec);
  return el('tr', { 'data-run-id': spec.run_id, 'data-phase': s.phase },
    el('td', {}, el('a', { href: `#/runs/${encodeURIComponent(spec.run_id)}` }, spec.run_id),
      s.stalled ? el('div', { class: 'stalled' }, 'stalled: ' + s.stalled.reason) : ''),
    el('td', {}, spec.env ?? '(dataset spaces)'),
    el('td', {}, spec.algo),
    el('td', {}, phase(s.phase)),
    el('td', { class: 'num' }, int(s.env_steps) + (budget ? ` / ${int(budget)}` : '')),
    el('td', { class: 'num' }, 'v' + s.policy_version),
    el('td', {}, e ? `${fmt(e.mean_return, 2)} ± ${fmt(e.std_return, 2)} (v${e.policy_version}, ${int(e.env_steps)} steps)` : '–'),
    el('td', { class: 'num' }, `${int(s.stale_batches_dropped)} / ${int(s.duplicate_batches_dropped)}`),
    el('td', { class: 'num' }, bytes(s.kafka_bytes)));
}

function runView(main, runId) {
  let closed = false;
  const header = el('div', { class: 'actions' });
  const stats = el('div', { class: 'stats', id: 'run-stats' });
  const message = el('div', { class: 'muted', id: 'run-message' });
  const chartCanvas = el('canvas', { id: 'curve-chart', height: 110 });
  const curveNote = el('p', { class: 'muted', id: 'curve-note' });
  const specPre = el('pre', { id: 'run-spec' });
  const episodes = el('div', { class: 'episodes', id: 'episodes' });
  const episodeNote = el('p', { class: 'muted', id: 'episode-note' });
  main.replaceChildren(
    el('h2', {}, runId), header, message,
    el('div', { class: 'card' }, el('h3', {}, 'Learning curve'), chartCanvas, curveNote),
    el('div', { class: 'card' }, el('h3', {}, 'The policy at work'), episodes, episodeNote),
    el('div', { class: 'card' }, el('h3', {}, 'Spec'), specPre));

  // -- the curve --
  const points = [];
  const chart = new Chart(chartCanvas, {
    type: 'line',
    data: { datasets: [
      { label: 'policy (mean evaluation return)', data: points, borderColor: '#2f6fdf', backgroundColor: '#2f6fdf', tension: 0.15 },
      { label: 'expert', data: [], borderColor: '#1d7a33', borderDash: [6, 4], pointRadius: 0 },
      { label: 'random', data: [], borderColor: '#a12b2b', borderDash: [2, 3], pointRadius: 0 },
    ] },
    options: {
      animation: false, parsing: false, responsive: true,
      scales: { x: { type: 'linear', title: { display: true, text: 'env steps' }, min: 0 },
                y: { title: { display: true, text: 'return' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  let levels = {};
  const addPoint = e => {
    if (!e || points.some(p => p.version === e.policy_version)) return false;
    points.push({ x: e.env_steps, y: e.mean_return, version: e.policy_version });
    points.sort((a, b) => a.x - b.x);
    return true;
  };
  const drawCurve = () => {
    const record = state.runs.get(runId);
    const right = Math.max(levels.env_step_budget ?? budgetOf(record?.spec ?? {}) ?? 0, record?.status.env_steps ?? 0, ...points.map(p => p.x), 1);
    chart.data.datasets[1].data = levels.expert_return != null ? [{ x: 0, y: levels.expert_return }, { x: right, y: levels.expert_return }] : [];
    chart.data.datasets[2].data = levels.random_return != null ? [{ x: 0, y: levels.random_return }, { x: right, y: levels.random_return }] : [];
    chart.options.scales.x.max = right;
    chart.update('none');
    chartCanvas.dataset.points = String(points.length);
    curveNote.textContent = `${points.length} evaluation${points.length === 1 ? '' : 's'}`
      + (levels.expert_source ? ` · expert: ${levels.expert_source} (${fmt(levels.expert_return, 2)})` : '')
      + (levels.random_source ? ` · random: ${levels.random_source} (${fmt(levels.random_return, 2)})` : '');
  };
  getJson(`api/v1/console/runs/${encodeURIComponent(runId)}/curve`).then(curve => {
    levels = curve;
    curve.points.forEach(addPoint);
    drawCurve();
  }).catch(e => { curveNote.textContent = e.message; });

  // -- header, counters, spec --
  // One Stop button for the page's life: re-rendered on every update it could swallow a click in flight.
  let stopping = false;
  const stop = el('button', { class: 'danger', id: 'stop-run', onclick: async () => {
    stopping = true;
    stop.disabled = true;
    try { await getJson(`api/v1/runs/${encodeURIComponent(runId)}`, { method: 'DELETE' }); }
    catch (e) { message.textContent = e.message; stopping = false; stop.disabled = false; }
  } }, 'Stop');
  const phaseBadge = phase('', 'run-phase');
  const download = el('a', { href: `api/v1/runs/${encodeURIComponent(runId)}/policy`, id: 'download-policy', download: '' });
  const renderRecord = () => {
    const r = state.runs.get(runId);
    if (!r) { message.textContent = 'This run is not on il.runs (yet).'; return; }
    const s = r.status;
    stop.disabled = stopping || s.phase !== 'RUNNING';
    phaseBadge.className = `phase phase-${s.phase}`;
    phaseBadge.textContent = s.phase;
    download.textContent = `Download policy.onnx (v${s.policy_version})`;
    if (!stop.isConnected) { header.replaceChildren(phaseBadge, stop, download); }
    const e = s.evaluation;
    const stat = (label, value) => el('div', { 'data-stat': label }, el('span', {}, label), el('b', {}, value));
    stats.replaceChildren(
      stat('env', r.spec.env ?? '(dataset spaces)'), stat('algorithm', r.spec.algo),
      stat('env steps', int(s.env_steps) + (budgetOf(r.spec) ? ` / ${int(budgetOf(r.spec))}` : '')),
      stat('policy version', 'v' + s.policy_version), stat('batches', int(s.batches)),
      stat('stale / dup.', `${int(s.stale_batches_dropped)} / ${int(s.duplicate_batches_dropped)}`),
      stat('Kafka bytes', bytes(s.kafka_bytes)),
      stat('latest evaluation', e ? `${fmt(e.mean_return, 2)} ± ${fmt(e.std_return, 2)}` : '–'));
    message.replaceChildren(stats,
      s.stalled ? el('div', { class: 'stalled' }, 'stalled: ' + s.stalled.reason) : '',
      s.message ? el('div', {}, s.message) : '');
    specPre.textContent = JSON.stringify(r.spec, null, 2);
    if (addPoint(e)) drawCurve();
  };
  renderRecord();

  // -- the policy at work: the newest policy and the expert from the same start, replayed in a loop --
  let seed = 0;
  let episodeTimer = null;
  const play = async () => {
    if (closed) return;
    const record = state.runs.get(runId);
    if (!record) { episodeTimer = setTimeout(play, 1000); return; }
    let pair;
    try {
      pair = await getJson(`api/v1/console/runs/${encodeURIComponent(runId)}/episode?seed=${seed}`);
    } catch (e) {
      episodeNote.textContent = e.message;
      episodeTimer = setTimeout(play, 2000);
      return;
    }
    if (closed) return;
    episodeNote.textContent = `start seed ${pair.seed}; each replay fetches the newest policy; `;
    episodeNote.append(el('button', { id: 'next-episode', onclick: () => { seed += 1; restart(); } }, 'Another start'));
    const shown = [['policy', pair.policy], ['expert', pair.expert]].filter(([, ep]) => ep);
    const figures = shown.map(([who, ep]) => episodeFigure(pair.env, who, ep));
    episodes.replaceChildren(...figures.map(f => f.figure));
    await Promise.all(figures.map(f => f.run(() => closed)));
    if (!closed) episodeTimer = setTimeout(play, 800);
  };
  const restart = () => { clearTimeout(episodeTimer); episodes.replaceChildren(); play(); };
  play();

  return {
    update(kind, data) {
      if (kind === 'snapshot' || (kind === 'run' && data.spec.run_id === runId)) {
        renderRecord();
        drawCurve();
      }
    },
    close() { closed = true; clearTimeout(episodeTimer); chart.destroy(); },
  };
}

// One episode on a canvas (built-in classic-control envs) or as numbers (any other env).
function episodeFigure(envId, who, episode) {
  const caption = el('figcaption', {}, `${who}: ${episode.source} — return ${fmt(episode.return, 2)}, `
    + `${episode.length} steps${episode.terminated ? ' (terminated)' : episode.truncated ? ' (truncated)' : ''}`);
  if (!canRender(envId)) {
    const actions = episode.actions.slice(0, 60).map(a => Array.isArray(a) ? `[${a.map(x => fmt(x, 2)).join(', ')}]` : a);
    const figure = el('figure', { id: `${who}-numbers` }, el('div', { class: 'numbers' },
      `actions: ${actions.join(' ')}${episode.actions.length > 60 ? ' …' : ''}`), caption);
    return { figure, run: async () => {} };
  }
  const size = preferredSize(envId);
  const canvas = el('canvas', { id: `${who}-canvas`, width: size.width, height: size.height, dataset: { frames: '0' } });
  const step = el('div', { class: 'muted' });
  const figure = el('figure', {}, canvas, step, caption);
  const fps = { 'CartPole-v0': 50, 'CartPole-v1': 50, 'Acrobot-v1': 15 }[envId] ?? 30;
  const run = isClosed => new Promise(resolve => {
    let t = 0;
    let last = 0;
    const frame = now => {
      if (isClosed()) return resolve();
      if (now - last >= 1000 / fps) {
        last = now;
        drawFrame(canvas, envId, episode.observations[t], t < episode.actions.length ? episode.actions[t] : null);
        canvas.dataset.frames = String(Number(canvas.dataset.frames) + 1);
        step.textContent = `step ${t} / ${episode.length}`;
        t += 1;
        if (t >= episode.observations.length) return resolve();
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  return { figure, run };
}

function datasetsView(main) {
  const datasetsBody = el('tbody');
  const lettersBody = el('tbody');
  const total = el('span', { id: 'dead-letters-total' });
  main.replaceChildren(
    el('h2', {}, 'Datasets'),
    el('table', { id: 'datasets-table' }, el('thead', {}, el('tr', {}, ['dataset', 'env', 'trajectories', 'transitions',
      'mean return', 'dead-lettered', 'duplicates', 'records read'].map((h, i) => el('th', { class: i >= 2 ? 'num' : '' }, h)))),
    datasetsBody),
    el('h2', {}, 'Dead letters ', el('span', { class: 'muted' }, '(il.demonstrations.dlq, newest first; '), total,
      el('span', { class: 'muted' }, ' in all)')),
    el('table', { id: 'dead-letters' }, el('thead', {}, el('tr', {}, ['DLQ offset', 'dataset (key)', 'reason', 'source',
      'value'].map(h => el('th', {}, h)))), lettersBody));
  let refresh = null;
  const loadDatasets = async () => {
    try {
      const answer = await getJson('api/v1/datasets');
      datasetsBody.replaceChildren(...(answer.datasets.length ? answer.datasets.map(d => el('tr', { 'data-dataset': d.id },
        el('td', {}, d.id), el('td', {}, d.env), el('td', { class: 'num' }, int(d.trajectories)),
        el('td', { class: 'num' }, int(d.transitions)), el('td', { class: 'num' }, fmt(d.mean_return, 2)),
        el('td', { class: 'num' }, int(d.dead_lettered)), el('td', { class: 'num' }, int(d.duplicates)),
        el('td', { class: 'num' }, int(d.read))))
        : [el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No datasets yet.'))]));
    } catch (e) {
      datasetsBody.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'error' }, e.message)));
    }
  };
  const renderLetters = () => {
    total.textContent = int(state.deadLettersTotal);
    lettersBody.replaceChildren(...(state.deadLetters.length ? state.deadLetters.map(d => el('tr', { 'data-dlq-offset': d.dlq_offset },
      el('td', { class: 'num' }, String(d.dlq_offset)), el('td', {}, d.key ?? '(no key)'),
      el('td', { class: 'reason' }, d.reason ?? '(no reason header)'),
      el('td', {}, d.source_topic ? `${d.source_topic} ${d.source_partition}:${d.source_offset}` : '–'),
      el('td', {}, el('code', { class: 'value' }, d.value === null ? '(null)' : d.value.length > 300 ? d.value.slice(0, 300) + '…' : d.value))))
      : [el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No dead letters.'))]));
  };
  loadDatasets();
  renderLetters();
  // datasets change when records arrive; a dead letter is one such change, and a slow refresh catches the rest
  const timer = setInterval(loadDatasets, 5000);
  return {
    update(kind) {
      if (kind === 'dead-letter' || kind === 'snapshot') {
        renderLetters();
        clearTimeout(refresh);
        refresh = setTimeout(loadDatasets, 500);
      }
    },
    close() { clearInterval(timer); clearTimeout(refresh); },
  };
}

function startView(main) {
  const error = el('div', { class: 'error', id: 'form-error' });
  const select = (name, options, value) => el('select', { name, id: `form-${name}` },
    options.map(o => el('option', { value: o.value ?? o, ...(String(o.value ?? o) === String(value) ? { selected: '' } : {}) }, o.label ?? o)));
  const form = el('form', { class: 'start', id: 'start-form' });
  main.replaceChildren(el('h2', {}, 'Start a run'), form, error);
  Promise.all([getJson('api/v1/console/options'), getJson('api/v1/datasets')]).then(([options, datasets]) => {
    const datasetOptions = [{ value: '', label: '(none: PPO on the env reward)' },
      ...datasets.datasets.map(d => ({ value: d.id, label: `${d.id} — ${d.env}, ${d.trajectories} trajectories` }))];
    const firstDataset = datasets.datasets[0];
    form.replaceChildren(
      el('label', { for: 'form-env' }, 'Environment'), select('env', options.envs, firstDataset?.env ?? 'CartPole-v1'),
      el('label', { for: 'form-algo' }, 'Algorithm'), select('algo', options.algorithms, 'gail'),
      el('label', { for: 'form-dataset' }, 'Demonstrations'), select('dataset', datasetOptions, firstDataset?.id ?? ''),
      el('label', { for: 'form-expert' }, 'Expert id (DAgger; optional otherwise: the console plays it next to the policy)'),
      el('input', { name: 'expert', id: 'form-expert', placeholder: 'e.g. cartpolev1-expert' }),
      el('label', { for: 'form-budget' }, 'Env-step budget (empty: the algorithm\'s default)'),
      el('input', { name: 'max_env_steps', id: 'form-budget', type: 'number', min: 1 }),
      el('label', { for: 'form-seed' }, 'Seed'), el('input', { name: 'seed', id: 'form-seed', type: 'number', min: 0, value: 0 }),
      el('label', { for: 'form-run-id' }, 'Run id (optional)'), el('input', { name: 'run_id', id: 'form-run-id' }),
      el('p', {}, el('button', { class: 'primary', type: 'submit', id: 'form-submit' }, 'Start')));
  }).catch(e => { error.textContent = e.message; });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    error.textContent = '';
    const data = new FormData(form);
    const spec = { env: data.get('env'), algo: data.get('algo'), seed: Number(data.get('seed') || 0) };
    for (const key of ['dataset', 'expert', 'run_id']) if (data.get(key)) spec[key] = data.get(key);
    if (data.get('max_env_steps')) spec.max_env_steps = Number(data.get('max_env_steps'));
    try {
      const record = await getJson('api/v1/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(spec) });
      acceptRun(record, false);
      location.hash = `#/runs/${encodeURIComponent(record.spec.run_id)}`;
    } catch (e) {
      error.textContent = e.message;
    }
  });
  return { update() {}, close() {} };
}

// ---------- routing ----------
function route() {
  state.view?.close();
  const main = $('#view');
  const hash = location.hash || '#/';
  const run = hash.match(/^#\/runs\/(.+)$/);
  const name = run ? 'runs' : hash === '#/datasets' ? 'datasets' : hash === '#/new' ? 'new' : 'runs';
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === name));
  state.view = run ? runView(main, decodeURIComponent(run[1]))
    : hash === '#/datasets' ? datasetsView(main)
    : hash === '#/new' ? startView(main)
    : runsView(main);
}

window.addEventListener('hashchange', route);
route();
connect();
