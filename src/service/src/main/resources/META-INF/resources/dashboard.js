// sigma-vrate live dashboard: plain SVG, no libraries. Data from /dashboard/aircraft, /dashboard/bands/{icao24} and
// the server-sent events of /dashboard/events; window.dashboard exposes the state to the browser test.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const state = { aircraft: new Map(), selected: new URLSearchParams(location.search).get('icao24'),
    skew: 0, latencies: [], listFilledAt: null, events: 0, drawn: 0 };
  window.dashboard = state;
  const $ = (id) => document.getElementById(id);
  const now = () => Date.now() + state.skew; // the server's clock

  function el(parent, name, attrs, text) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  const fmt = (v, d) => (v === null || v === undefined || isNaN(v)) ? '–' : Number(v).toFixed(d || 0);
  function age(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    return s < 60 ? s + ' s' : s < 3600 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s' : Math.floor(s / 3600) + ' h';
  }
  const unwrap = (v) => (v && typeof v === 'object' && !Array.isArray(v)) ? Object.values(v)[0] : v; // Avro JSON unions

  // ---- list and map --------------------------------------------------------------------------------------------
  let listTimer = null;
  function scheduleList() { if (!listTimer) listTimer = setTimeout(() => { listTimer = null; renderList(); }, 200); }

  function renderList() {
    const rows = [...state.aircraft.values()].sort((a, b) => a.icao24 < b.icao24 ? -1 : 1);
    $('count').textContent = rows.length;
    const body = $('aircraft-list');
    body.textContent = '';
    for (const a of rows) {
      const tr = document.createElement('tr');
      tr.dataset.icao24 = a.icao24;
      if (a.icao24 === state.selected) tr.className = 'sel';
      const rate = a.verticalRateFpm;
      const cells = [a.icao24, a.callsign || '', fmt(a.altitudeFt), fmt(rate), age(now() - a.receivedAt)];
      cells.forEach((c, i) => {
        const td = document.createElement('td');
        td.textContent = c;
        if (i === 3 && rate > 300) td.className = 'up';
        if (i === 3 && rate < -300) td.className = 'down';
        if (i === 4) td.className = 'age';
        tr.appendChild(td);
      });
      tr.onclick = () => select(a.icao24);
      body.appendChild(tr);
    }
    if (rows.length && state.listFilledAt === null) state.listFilledAt = performance.now();
    if (!state.selected && rows.length) select(rows[0].icao24);
    renderMap(rows);
  }

  function renderMap(rows) {
    const map = $('map');
    map.textContent = '';
    const placed = rows.filter((a) => a.latitude !== null && a.latitude !== undefined && a.longitude !== null && a.longitude !== undefined);
    if (!placed.length) {
      el(map, 'text', { x: 200, y: 130, 'text-anchor': 'middle' }, rows.length
        ? 'no positions in the bands records' : 'waiting for forecasts…');
      return;
    }
    // equirectangular over the fleet's extent (no tiles: the page works offline)
    let [la0, la1, lo0, lo1] = [90, -90, 180, -180];
    for (const a of placed) { la0 = Math.min(la0, a.latitude); la1 = Math.max(la1, a.latitude); lo0 = Math.min(lo0, a.longitude); lo1 = Math.max(lo1, a.longitude); }
    const k = Math.cos((la0 + la1) / 2 * Math.PI / 180);
    const span = Math.max((lo1 - lo0) * k, (la1 - la0) * 400 / 260, 0.2) * 1.15;
    const cx = (lo0 + lo1) / 2, cy = (la0 + la1) / 2;
    const x = (lo) => 200 + (lo - cx) * k / span * 400, y = (la) => 130 - (la - cy) / span * 400;
    // about four graticule lines across, whatever the fleet's extent (a local feed or the whole world)
    const step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90].find((s) => s >= span / 4) || 90;
    const deg = (v) => v.toFixed(step < 1 ? 1 : 0) + '°';
    for (let lo = Math.ceil((cx - span) / step) * step; lo <= cx + span; lo += step) {
      el(map, 'line', { class: 'grat', x1: x(lo), x2: x(lo), y1: 0, y2: 260 });
      el(map, 'text', { x: x(lo) + 2, y: 256 }, deg(lo));
    }
    for (let la = Math.max(-90, Math.ceil((cy - span) / step) * step); la <= Math.min(90, cy + span); la += step) {
      el(map, 'line', { class: 'grat', x1: 0, x2: 400, y1: y(la), y2: y(la) });
      el(map, 'text', { x: 2, y: y(la) - 2 }, deg(la));
    }
    for (const a of placed) {
      const r = a.verticalRateFpm || 0;
      const c = el(map, 'circle', { class: 'pos' + (a.icao24 === state.selected ? ' sel' : ''), cx: x(a.longitude), cy: y(a.latitude),
        r: a.icao24 === state.selected ? 6 : 4.5, fill: r > 300 ? '#17803d' : r < -300 ? '#b4540a' : '#5a6b80' });
      el(c, 'title', {}, (a.callsign || a.icao24) + ' ' + fmt(a.altitudeFt) + ' ft');
      c.onclick = () => select(a.icao24);
      el(map, 'text', { class: 'label', x: x(a.longitude) + 7, y: y(a.latitude) + 3 }, a.callsign || a.icao24);
    }
  }

  // ---- fan charts -----------------------------------------------------------------------------------------------
  function select(icao24) {
    state.selected = icao24;
    history.replaceState(null, '', '?icao24=' + icao24);
    renderList();
    loadBands(icao24);
  }

  let loading = null, again = false;
  function loadBands(icao24) {
    if (loading === icao24) { again = true; return; } // one request at a time; the newest wins
    loading = icao24;
    fetch('dashboard/bands/' + icao24).then((r) => r.ok ? r.json() : null).then((b) => {
      if (b && b.icao24 === state.selected) draw(b);
    }).catch(() => {}).finally(() => {
      loading = null;
      if (again) { again = false; loadBands(state.selected); }
    });
  }

  function nearest(levels, p) {
    let best = 0;
    levels.forEach((l, i) => { if (Math.abs(l - p) < Math.abs(levels[best] - p)) best = i; });
    return best;
  }

  function draw(b) {
    const a = state.aircraft.get(b.icao24);
    $('chosen').textContent = (a && a.callsign ? a.callsign + ' · ' : '') + b.icao24;
    $('meta').textContent = 'model ' + b.model_id + ' · flight ' + b.flight_id + ' · last report ' +
      new Date(b.last_report_time).toISOString().substring(11, 19) + ' UTC · ' + b.steps.length + ' steps of ' + (b.grid_step_ms / 1000) + ' s';
    fan($('chart-rate'), b, 'vertical_rate');
    fan($('chart-altitude'), b, 'altitude');
    state.drawn++;
    if (a && a.lastReportTime === b.last_report_time) {
      // drawn: the frame after the one that paints the new chart has begun
      requestAnimationFrame(() => requestAnimationFrame(() => {
        state.latencies.push({ icao24: b.icao24, lastReportTime: b.last_report_time, receivedAt: a.receivedAt, drawnAt: now() });
        if (state.latencies.length > 200) state.latencies.shift();
      }));
    }
  }

  function ticks(lo, hi, n) {
    const raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Math.round(v / step) * step);
    return out;
  }

  function fan(svg, b, channel) {
    const W = 640, H = 210, L = 56, R = 10, T = 10, B = 26;
    svg.textContent = '';
    const lv = b.quantile_levels;
    const i05 = nearest(lv, 0.05), i25 = nearest(lv, 0.25), i50 = nearest(lv, 0.5), i75 = nearest(lv, 0.75), i95 = nearest(lv, 0.95);
    const steps = b.steps.map((s) => ({ t: (s.time - b.last_report_time) / 1000, c: s[channel] }));
    let lo = Infinity, hi = -Infinity;
    for (const s of steps) { lo = Math.min(lo, s.c.quantiles[i05], s.c.quantiles[i50]); hi = Math.max(hi, s.c.quantiles[i95], s.c.quantiles[i50]); }
    if (hi - lo < 100) { const m = (hi + lo) / 2; lo = m - 50; hi = m + 50; }
    const pad = (hi - lo) * 0.08; lo -= pad; hi += pad;
    const t0 = steps[0].t, t1 = steps[steps.length - 1].t;
    const x = (t) => L + (t - t0) / Math.max(1e-9, t1 - t0) * (W - L - R), y = (v) => T + (hi - v) / (hi - lo) * (H - T - B);
    // the forecast region: after the last report
    el(svg, 'rect', { class: 'forecast-region', x: x(0), y: T, width: Math.max(0, W - R - x(0)), height: H - T - B });
    for (const v of ticks(lo, hi, 5)) {
      el(svg, 'line', { class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v) });
      el(svg, 'text', { x: L - 4, y: y(v) + 3, 'text-anchor': 'end' }, v);
    }
    for (const t of ticks(t0, t1, 8)) {
      el(svg, 'text', { x: x(t), y: H - 8, 'text-anchor': 'middle' }, (t > 0 ? '+' : '') + t + ' s');
    }
    const band = (a, z, cls) => {
      const pts = steps.map((s) => x(s.t) + ',' + y(s.c.quantiles[z]))
        .concat(steps.slice().reverse().map((s) => x(s.t) + ',' + y(s.c.quantiles[a])));
      el(svg, 'polygon', { class: 'band ' + cls, points: pts.join(' ') });
    };
    band(i05, i95, 'band-90');
    band(i25, i75, 'band-50');
    el(svg, 'polyline', { class: 'median', points: steps.map((s) => x(s.t) + ',' + y(s.c.quantiles[i50])).join(' ') });
    for (const s of steps) {
      if (s.c.observed) el(svg, 'circle', { class: 'observed', cx: x(s.t), cy: y(s.c.quantiles[i50]), r: 2.6 });
    }
    el(svg, 'line', { class: 'now', x1: x(0), x2: x(0), y1: T, y2: H - B });
    el(svg, 'text', { x: x(0) + 4, y: T + 11 }, 'forecast →');
    el(svg, 'text', { x: W - R - 4, y: H - B - 4, 'text-anchor': 'end' }, b.model_id);
    el(svg, 'line', { class: 'axis', x1: L, x2: W - R, y1: H - B, y2: H - B });
    el(svg, 'line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B });
    svg.dataset.icao24 = b.icao24;
    svg.dataset.steps = steps.length;
    svg.dataset.lastReportTime = b.last_report_time;
    svg.dataset.bandLevels = [lv[i05], lv[i25], lv[i75], lv[i95]].join(',');
  }

  // ---- live updates -----------------------------------------------------------------------------------------------
  function accept(a) {
    const before = state.aircraft.get(a.icao24);
    if (before && before.callsign && !a.callsign) a.callsign = before.callsign;
    state.aircraft.set(a.icao24, a);
    scheduleList();
    if (a.icao24 === state.selected) loadBands(a.icao24);
  }

  function loadFleet() {
    return fetch('dashboard/aircraft').then((r) => r.json()).then((f) => {
      // another machine's clock: ages from the server's; the same clock (within a second) is taken as it is
      const skew = f.serverTime - Date.now();
      state.skew = Math.abs(skew) > 1000 ? skew : 0;
      for (const a of f.aircraft) {
        const known = state.aircraft.get(a.icao24);
        if (!known || known.receivedAt < a.receivedAt) state.aircraft.set(a.icao24, a);
      }
      renderList();
    });
  }

  function connect() {
    const es = new EventSource('dashboard/events');
    let opened = false;
    es.onopen = () => {
      $('status').textContent = 'live'; $('status').className = 'status live';
      if (opened) loadFleet(); // what the events missed while reconnecting
      opened = true;
    };
    es.onmessage = (e) => { state.events++; accept(JSON.parse(e.data)); };
    es.onerror = () => { $('status').textContent = 'reconnecting…'; $('status').className = 'status'; };
  }

  // live forecast skill (GET /skill, when the service has it): per horizon bucket, else any JSON as key/value rows
  const SKILL_COLUMNS = [['horizon', 'horizon'], ['steps', 'steps'], ['mae_fpm', 'MAE ft/min'], ['crps_fpm', 'CRPS ft/min'],
    ['coverage_50', '50% band covered'], ['coverage_90', '90% band covered']];
  function skill() {
    fetch('skill').then((r) => r.ok ? r.json() : Promise.reject(r.status)).then((s) => {
      const body = $('skill-body');
      body.textContent = '';
      const t = document.createElement('table');
      if (Array.isArray(s.horizons)) {
        const cap = t.createCaption();
        cap.textContent = (s.channel || '') + ', last ' + (s.window_seconds || '?') + ' s, this instance';
        const head = t.createTHead().insertRow();
        for (const [, label] of SKILL_COLUMNS) { const th = document.createElement('th'); th.textContent = label; head.appendChild(th); }
        for (const h of s.horizons) {
          const tr = t.insertRow();
          for (const [k] of SKILL_COLUMNS) {
            const v = h[k];
            tr.insertCell().textContent = v === null || v === undefined ? '–' : typeof v === 'number' && k !== 'steps' ? v.toFixed(k.startsWith('coverage') ? 2 : 0) : v;
          }
        }
        body.appendChild(t);
        $('skill').hidden = false;
        return;
      }
      const rows = [];
      (function flatten(o, p) {
        if (o && typeof o === 'object') for (const k in o) flatten(o[k], p ? p + ' · ' + k : k);
        else rows.push([p, typeof o === 'number' ? Number(o.toPrecision(4)) : o]);
      })(s, '');
      for (const [k, v] of rows.slice(0, 60)) {
        const tr = t.insertRow();
        tr.insertCell().textContent = k;
        tr.insertCell().textContent = v;
      }
      body.appendChild(t);
      $('skill').hidden = false;
    }).catch(() => { $('skill').hidden = true; });
  }

  connect();
  loadFleet().then(() => { if (state.selected) loadBands(state.selected); });
  setInterval(() => { for (const td of document.querySelectorAll('#aircraft-list tr')) {
    const a = state.aircraft.get(td.dataset.icao24); if (a) td.lastChild.textContent = age(now() - a.receivedAt); } }, 1000);
  skill();
  setInterval(skill, 15000);
})();
