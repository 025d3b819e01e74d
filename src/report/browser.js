// The report's example browser (runs in the page). Everything from records reaches the page through textContent and
// attributes set from data URIs the report made, never as HTML; the page's Content-Security-Policy allows this script
// only (by hash), so nothing injected could run even if it got in.
'use strict';
(function () {
  const PAGE = 25;
  const index = readJson('records-index');
  let media = null;
  const state = { record: -1, seed: 0, sort: 'worst', type: '', page: 0 };
  const trials = new Map();

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function examplesOf(record, seed) {
    const key = record + '-' + seed;
    if (!trials.has(key)) trials.set(key, readJson('trial-' + key));
    return trials.get(key);
  }
  function formatScore(score) {
    return score === null ? 'no item score' : String(Math.round(score * 100) / 100);
  }

  // The record picker: one group per task, in it one row per model (with its run choices), in the row one button per
  // number of shots. Each button's accessible name is the record's full title.
  const list = document.getElementById('record-list');
  const groups = new Map();
  index.forEach(function (record, i) {
    const group = record.group || { task: '', model: record.title, shots: 0 };
    if (!groups.has(group.task)) groups.set(group.task, new Map());
    const models = groups.get(group.task);
    if (!models.has(group.model)) models.set(group.model, []);
    models.get(group.model).push({ i: i, shots: group.shots, title: record.title, short: record.group ? group.shots + '-shot' : record.title });
  });
  for (const [task, models] of groups) {
    const box = el('div', 'record-group');
    if (task !== '') box.appendChild(el('h3', 'record-task', task));
    for (const [model, records] of models) {
      const row = el('div', 'record-row');
      row.appendChild(el('span', 'record-model', model));
      records.sort(function (a, b) { return a.shots - b.shots; });
      for (const r of records) {
        const button = el('button', 'record-button', r.short);
        button.type = 'button';
        button.title = r.title;
        button.setAttribute('aria-label', r.title);
        button.dataset.record = String(r.i);
        button.addEventListener('click', function () {
          open(r.i);
        });
        row.appendChild(button);
      }
      box.appendChild(row);
    }
    list.appendChild(box);
  }

  function open(i) {
    state.record = i;
    state.seed = 0;
    state.type = '';
    state.page = 0;
    for (const button of list.querySelectorAll('.record-button')) button.classList.toggle('selected', button.dataset.record === String(i));
    render();
  }

  function selectBox(label, options, value, onChange) {
    const wrap = el('label', 'control', label + ' ');
    const select = el('select');
    for (const [v, text] of options) {
      const option = el('option', '', text);
      option.value = v;
      option.selected = v === value;
      select.appendChild(option);
    }
    select.addEventListener('change', function () {
      onChange(select.value);
      state.page = 0;
      render();
    });
    wrap.appendChild(select);
    return wrap;
  }

  function visibleExamples() {
    const all = examplesOf(state.record, state.seed);
    const shown = all.map(function (example, order) {
      return { example: example, order: order };
    }).filter(function (x) {
      return state.type === '' || x.example.type === state.type;
    });
    const missing = state.sort === 'best' ? -Infinity : Infinity;
    const score = function (x) {
      return x.example.score === null ? missing : x.example.score;
    };
    if (state.sort === 'worst') shown.sort(function (a, b) { return score(a) - score(b) || a.order - b.order; });
    if (state.sort === 'best') shown.sort(function (a, b) { return score(b) - score(a) || a.order - b.order; });
    return shown;
  }

  function render() {
    const browser = document.getElementById('browser');
    browser.replaceChildren();
    const record = index[state.record];
    browser.appendChild(el('h3', '', record.title));
    browser.appendChild(el('p', 'file', record.file));
    const controls = el('div', 'controls');
    controls.appendChild(selectBox('seed', record.seeds.map(function (s, i) {
      return [String(i), 'seed ' + s.seed + (s.value === null ? '' : ' (' + record.metric + ' ' + s.value.toFixed(2) + ')')];
    }), String(state.seed), function (v) { state.seed = Number(v); }));
    controls.appendChild(selectBox('sort', [['worst', 'worst first'], ['best', 'best first'], ['order', 'query order']],
      state.sort, function (v) { state.sort = v; }));
    if (record.types.length > 0) {
      controls.appendChild(selectBox('answer type', [['', 'all']].concat(record.types.map(function (t) { return [t, t]; })),
        state.type, function (v) { state.type = v; }));
    }
    browser.appendChild(controls);

    const shown = visibleExamples();
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    const first = state.page * PAGE;
    const pager = el('div', 'pager');
    const previous = el('button', '', '< previous');
    previous.type = 'button';
    previous.disabled = state.page === 0;
    previous.addEventListener('click', function () { state.page--; render(); });
    const next = el('button', '', 'next >');
    next.type = 'button';
    next.disabled = state.page >= pages - 1;
    next.addEventListener('click', function () { state.page++; render(); });
    pager.append(previous, el('span', 'count', shown.length === 0 ? 'no examples' :
      'examples ' + (first + 1) + '-' + Math.min(first + PAGE, shown.length) + ' of ' + shown.length), next);
    browser.appendChild(pager);
    for (const x of shown.slice(first, first + PAGE)) browser.appendChild(card(x.example));
  }

  function thumbnails(key) {
    media = media || readJson('media');
    const thumb = media[key];
    const strip = el('span', 'media');
    if (!thumb || thumb.frames.length === 0) {
      strip.appendChild(el('span', 'media-missing', thumb && thumb.error ? thumb.error : 'medium not available'));
      return strip;
    }
    for (const frame of thumb.frames) {
      const img = el('img');
      img.src = frame;
      img.alt = thumb.frames.length > 1 ? 'video frame' : 'image';
      strip.appendChild(img);
    }
    return strip;
  }

  function card(example) {
    const box = el('article', 'example');
    const head = el('header');
    head.append(el('span', 'example-id', example.id), el('span', 'score', formatScore(example.score)));
    if (example.type !== null) head.appendChild(el('span', 'type', example.type));
    box.appendChild(head);
    if (example.skipped !== null) box.appendChild(el('p', 'skipped', 'skipped: ' + example.skipped));
    const prompt = el('div', 'prompt');
    for (const chunk of example.chunks) {
      const row = el('div', chunk.label.indexOf('query') === 0 ? 'chunk query' : 'chunk');
      row.appendChild(el('span', 'chunk-label', chunk.label));
      for (const part of chunk.parts) {
        row.appendChild(part.media !== undefined ? thumbnails(part.media) : el('span', 'text', part.text));
      }
      prompt.appendChild(row);
    }
    box.appendChild(prompt);
    const table = el('dl', 'outcome');
    const add = function (name, value) {
      table.append(el('dt', '', name), el('dd', '', value));
    };
    add('raw output', example.raw);
    add('answer', example.answer);
    add('references', example.references === null ? '(not in this record)' : example.references.join(' | '));
    add('score', formatScore(example.score));
    box.appendChild(table);
    return box;
  }

  if (index.length > 0) open(0);
})();
