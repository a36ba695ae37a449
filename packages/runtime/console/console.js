// The Keyflow console: polls the admin API's JSON routes and draws them. Plain JavaScript,
// no framework and nothing from the network but this runtime's admin port.
'use strict';

(() => {
  const POLL_MS = 2000;
  const TOKEN_KEY = 'keyflow-admin-token';
  const $ = (id) => document.getElementById(id);

  /** GET a JSON route, with the admin token when one was given; a 401 asks for the token. */
  async function api(path) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (response.status === 401) {
      $('token-form').hidden = false;
      throw new Error('the admin API needs its token');
    }
    const body = await response.json();
    if (!response.ok) throw new Error(body.message || `${path} answered ${response.status}`);
    return body;
  }

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value);
    $('token-form').hidden = true;
    void refresh();
  });

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  function rows(tableId, items, cells) {
    const body = $(tableId).querySelector('tbody');
    body.replaceChildren(
      ...(items.length === 0
        ? [el('tr', {}, el('td', { class: 'muted', colspan: '9' }, 'none'))]
        : items.map((item) => el('tr', {}, ...cells(item).map((cell) => (cell instanceof Node ? el('td', {}, cell) : el('td', {}, cell)))))),
    );
  }

  const number = (value) => Math.round(value).toLocaleString('en-US');
  const bytes = (value) => (value < 1024 ? `${value} B` : value < 1048576 ? `${(value / 1024).toFixed(1)} KiB` : `${(value / 1048576).toFixed(1)} MiB`);
  const ago = (at) => {
    const seconds = Math.max(0, Math.round((Date.now() - at) / 1000));
    return seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
  };
  const when = (at) => new Date(at).toLocaleString();
  const duration = (ms) =>
    ms % 86400000 === 0 ? `${ms / 86400000} d` : ms % 3600000 === 0 ? `${ms / 3600000} h` : ms % 60000 === 0 ? `${ms / 60000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
  const health = (text, good) => el('span', { class: good ? 'ok' : 'bad' }, text);

  /** Two lines over time on a canvas: throughput (filled) and mean batch latency (a line), each on its own scale. */
  function plot(canvas, points) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth * ratio;
    const height = canvas.clientHeight * ratio;
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext('2d');
    g.clearRect(0, 0, width, height);
    if (points.length < 2) return;
    const first = points[0].at;
    const span = Math.max(1, points[points.length - 1].at - first);
    const x = (at) => ((at - first) / span) * (width - 2) + 1;
    const maxRate = Math.max(1, ...points.map((p) => p.messagesPerSecond));
    const latencies = points.filter((p) => p.meanBatchMs !== null);
    const maxLatency = Math.max(0.001, ...latencies.map((p) => p.meanBatchMs));
    g.beginPath();
    g.moveTo(x(first), height);
    for (const p of points) g.lineTo(x(p.at), height - (p.messagesPerSecond / maxRate) * (height - 4));
    g.lineTo(x(points[points.length - 1].at), height);
    g.closePath();
    g.fillStyle = 'rgba(37, 99, 235, 0.25)';
    g.fill();
    g.beginPath();
    latencies.forEach((p, index) => {
      const y = height - (p.meanBatchMs / maxLatency) * (height - 4);
      if (index === 0) g.moveTo(x(p.at), y);
      else g.lineTo(x(p.at), y);
    });
    g.strokeStyle = '#d97706';
    g.lineWidth = 1.5 * ratio;
    g.stroke();
  }

  const cards = new Map();
  function drawFunctions(functions) {
    const container = $('functions');
    for (const fn of functions) {
      let card = cards.get(fn.functionType);
      if (!card) {
        card = {
          root: el('div', { class: 'card', 'data-function': fn.functionType }),
          numbers: el('div', { class: 'numbers' }),
          canvas: el('canvas'),
        };
        card.root.append(el('h3', {}, fn.functionType), card.numbers, card.canvas);
        container.append(card.root);
        cards.set(fn.functionType, card);
      }
      const last = fn.history[fn.history.length - 1];
      const rate = last ? last.messagesPerSecond : 0;
      const latency = fn.history.filter((p) => p.meanBatchMs !== null).pop();
      card.numbers.replaceChildren(
        el('span', {}, 'messages ', el('b', { class: 'messages' }, number(fn.messages))),
        el('span', {}, el('b', { class: 'rate' }, rate.toFixed(1)), ' msg/s'),
        el('span', {}, el('b', {}, latency ? latency.meanBatchMs.toFixed(2) : '–'), ' ms/batch'),
        el('span', {}, 'queued ', el('b', {}, number(fn.queued)), ` (deepest ${fn.deepestMailbox})`),
      );
      plot(card.canvas, fn.history);
    }
  }

  function drawOverview(overview) {
    const runtime = overview.runtime;
    $('status').textContent = runtime.failure ? 'failed' : runtime.paused ? 'backpressure' : 'running';
    $('status').className = `badge ${runtime.failure || runtime.paused ? 'bad' : 'ok'}`;
    $('runtime-summary').textContent =
      `${number(runtime.queuedMessages)} queued at ${number(runtime.activeAddresses)} addresses · ` +
      `${number(runtime.backpressurePauses)} backpressure pauses · ${number(runtime.pendingDelayedMessages)} delayed messages · ` +
      `checkpoint ${runtime.lastCheckpointId}` + (runtime.failure ? ` · ${runtime.failure}` : '');
    drawFunctions(overview.functions);
    rows('ingresses', overview.ingresses, (i) => [i.id, number(i.messages), health(i.reason ? `${i.status}: ${i.reason}` : i.status, i.status === 'ok')]);
    rows('egresses', overview.egresses, (e) => [e.id, e.deliverySemantic, number(e.records), number(e.pendingExactlyOnce)]);
    rows('endpoints', overview.endpoints, (e) => [
      e.endpoint,
      health(e.health, e.health === 'ok'),
      e.openConnections ?? '–',
      e.failedAttempts ?? '–',
      e.retries ?? '–',
    ]);
    rows('checkpoints', overview.checkpoints, (c) => [
      c.checkpointId,
      ago(c.at),
      c.failure ? '–' : `${c.durationMs} ms`,
      c.failure ? '–' : bytes(c.bytes),
      c.failure ? '–' : number(c.addresses),
      c.failure ? health(`failed: ${c.failure}`, false) : health('ok', true),
    ]);
  }

  function valueText(view) {
    if (view.encoding === 'bytes') return `bytes (base64) ${view.base64}${view.reason ? `\n${view.reason}` : ''}`;
    if (view.encoding === 'list') return JSON.stringify(view.elements.map(plain), null, 2);
    if (view.encoding === 'map') return JSON.stringify(Object.fromEntries(view.entries.map((e) => [e.key, plain(e.value)])), null, 2);
    return JSON.stringify(view.value, null, 2);
  }
  function plain(view) {
    if (view.encoding === 'bytes') return { base64: view.base64 };
    if (view.encoding === 'list') return view.elements.map(plain);
    if (view.encoding === 'map') return Object.fromEntries(view.entries.map((e) => [e.key, plain(e.value)]));
    return view.value;
  }

  function drawAddress(view) {
    const parts = [el('h3', {}, view.address, view.exists ? '' : el('span', { class: 'muted' }, ' (no state)'))];
    for (const value of view.state) {
      const expiry = value.expiry ? ` · expires ${when(value.expiry.expiresAt)} (${value.expiry.mode} ${duration(value.expiry.afterMs)})` : ' · no expiry';
      parts.push(
        el('div', {}, el('span', { class: 'state-name' }, value.name), el('span', { class: 'muted' }, ` ${value.value.typename} (${value.value.encoding}) · written ${when(value.writtenAt)}${expiry}`)),
        el('pre', { class: 'state-value', 'data-state': value.name }, valueText(value.value)),
      );
      if (value.value.encoding === 'map') {
        for (const entry of value.value.entries) {
          parts.push(el('div', { class: 'muted entry-expiry' }, `${entry.key}: ${entry.expiresAt ? `expires ${when(entry.expiresAt)}` : 'no expiry'}`));
        }
      }
    }
    parts.push(el('h3', {}, `Delayed messages (${view.delayedMessages.length})`));
    for (const message of view.delayedMessages) {
      parts.push(el('div', {}, `${when(message.dueAt)}: ${message.from} → ${message.to}${message.token ? ` [${message.token}]` : ''} `, el('code', {}, valueText(message.argument))));
    }
    parts.push(el('h3', {}, `Schedules (${view.schedules.length})`));
    for (const schedule of view.schedules) parts.push(el('div', {}, `${schedule.name}: next ${when(schedule.nextAt)} `, el('code', {}, JSON.stringify(schedule.rule))));
    $('address').replaceChildren(...parts);
  }

  async function lookup(type, id) {
    try {
      drawAddress(await api(`/api/address?type=${encodeURIComponent(type)}&id=${encodeURIComponent(id)}`));
    } catch (error) {
      $('address').replaceChildren(el('p', { class: 'bad' }, error.message));
    }
  }

  $('lookup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void lookup($('lookup-type').value.trim(), $('lookup-id').value);
  });

  let listing = { type: '', next: undefined };
  async function listPage(type, after) {
    try {
      const page = await api(`/api/addresses?type=${encodeURIComponent(type)}&limit=50${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`);
      if (after === undefined) $('address-list').replaceChildren();
      for (const id of page.ids) {
        const link = el('a', {}, id);
        link.addEventListener('click', () => {
          $('lookup-type').value = type;
          $('lookup-id').value = id;
          void lookup(type, id);
        });
        $('address-list').append(el('li', {}, link));
      }
      if (page.ids.length === 0 && after === undefined) $('address-list').append(el('li', { class: 'muted' }, 'no addresses with state'));
      listing = { type, next: page.next };
      $('list-more').hidden = page.next === undefined;
    } catch (error) {
      $('address-list').replaceChildren(el('li', { class: 'bad' }, error.message));
    }
  }
  $('list-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void listPage($('list-type').value.trim(), undefined);
  });
  $('list-more').addEventListener('click', () => void listPage(listing.type, listing.next));

  async function refresh() {
    try {
      drawOverview(await api('/api/overview'));
    } catch (error) {
      $('status').textContent = error.message;
      $('status').className = 'badge bad';
    }
  }

  void refresh();
  setInterval(() => void refresh(), POLL_MS);
})();
