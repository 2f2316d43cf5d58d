// The nurses' page over the duty centre's JSON API (docs/centre-api.yaml) and its live feed (server-sent events).
// Plain JS, no framework and nothing fetched from elsewhere: the centre may run on a closed network.
'use strict';

(() => {
  const alarms = new Map();   // id -> alarm JSON, open ones only
  const homes = new Map();    // id -> gateway JSON
  const closed = new Set();   // ids the feed said are cleared: a list fetched just before must not bring them back
  const alarmList = document.getElementById('alarms');
  const homeList = document.getElementById('homes');
  const operatorInput = document.getElementById('operator');
  const soundButton = document.getElementById('sound');
  let audio = null;

  const kindNames = {
    'supervision.gateway-offline': 'Gateway offline',
    'supervision.gateway-silent': 'Gateway silent (no heartbeat)',
    'supervision.sequence-gap': 'Events missing',
    'supervision.daily-test-missing': 'Daily test missing',
    'supervision.rollout-halted': 'Release rollout halted (technical)',
    'org.edgegateway.technical.primary-path-lost': 'Primary path lost (technical)',
    'org.edgegateway.technical.secondary-path-lost': 'Secondary path lost (technical)',
    'org.edgegateway.technical.wearable-battery-critical': 'Wearable cell nearly empty (technical)',
  };

  function kindOf(type) {
    if (kindNames[type]) return kindNames[type];
    const last = type.split('.').pop().replace(/-/g, ' ');
    return last.charAt(0).toUpperCase() + last.slice(1);
  }

  // Ages count on the centre's clock, never this device's: a duty tablet's clock may be hours off, and the demo's centre
  // runs on a scenario clock. The feed's clock events carry the centre's now; between two of them it moves on by this
  // device's monotonic clock (performance.now(), which a wrong or stepped wall clock does not move).
  let centreClock = null;  // { now: the centre's time in ms, at: performance.now() when it arrived }

  function centreNow() {
    return centreClock === null ? null : centreClock.now + (performance.now() - centreClock.at);
  }

  function since(iso) {
    const now = centreNow();
    if (!iso || now === null) return null;
    return Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  }

  function duration(seconds) {
    if (seconds === null) return '—';
    if (seconds < 60) return seconds + ' s';
    const m = Math.floor(seconds / 60), s = seconds % 60;
    if (m < 60) return m + ' min ' + String(s).padStart(2, '0') + ' s';
    const h = Math.floor(m / 60);
    return h + ' h ' + String(m % 60).padStart(2, '0') + ' min';
  }

  function ago(iso) {
    if (!iso) return 'never';
    const s = since(iso);
    return s === null ? '—' : duration(s) + ' ago';
  }

  function stateText(a) {
    switch (a.state) {
      case 'raised': return 'new, not yet received back';
      case 'delivered': return 'received, not taken';
      case 'taken': return 'taken by ' + a.taken_by;
      default: return a.state;
    }
  }

  // Most urgent first (priority 0 is the highest), then the oldest.
  function urgency(a, b) {
    return a.priority - b.priority || Date.parse(a.received_at) - Date.parse(b.received_at);
  }

  function renderAlarm(a) {
    let el = document.getElementById('alarm-' + a.id);
    if (!el) {
      el = document.getElementById('alarm-template').content.firstElementChild.cloneNode(true);
      el.id = 'alarm-' + a.id;
      el.dataset.id = a.id;
      el.querySelector('.take').addEventListener('click', () => act(a.id, 'take', {}));
      el.querySelector('.clear').addEventListener('click', () =>
        act(a.id, 'clear', { reason: el.querySelector('.reason').value }));
      wireSteps(el, a.id);
      wireResident(el, a.id);
    }
    el.dataset.state = a.state;
    el.dataset.escalation = String(a.escalation);
    el.className = 'alarm ' + a.state + (a.escalation > 0 && a.state !== 'taken' ? ' esc-' + Math.min(a.escalation, 3) : '');
    el.querySelector('.kind').textContent = kindOf(a.type);
    el.querySelector('.home').textContent = a.gateway;
    el.querySelector('.state').textContent = stateText(a);
    el.querySelector('.text').textContent = a.message || '';
    const esc = el.querySelector('.escalation');
    esc.hidden = !(a.escalation > 0);
    esc.textContent = 'Escalated · level ' + a.escalation;
    el.querySelector('.take').hidden = !(a.state === 'raised' || a.state === 'delivered');
    renderAlarmResident(el, a);
    return el;
  }

  function renderAlarms() {
    const open = [...alarms.values()].sort(urgency);
    const wanted = new Set(open.map(a => 'alarm-' + a.id));
    for (const el of [...alarmList.children]) {
      if (!wanted.has(el.id)) el.remove();
    }
    // Appending an existing element moves it: order follows urgency while a chosen reason and focus stay.
    for (const a of open) alarmList.appendChild(renderAlarm(a));
    document.getElementById('alarm-count').textContent = String(open.length);
    document.getElementById('no-alarms').hidden = open.length > 0;
    showWantedAlarm();
    tick();
  }

  // Two paths: each one's own birth and will as the centre sees them ("primary up · secondary DOWN"); one path: the
  // heartbeat's word. A path that is not up is shown loud: EN 50136 wants the centre told when one path fails.
  function pathOf(g) {
    if (g.paths && g.paths.length) {
      return {
        text: g.paths.map(p => p.name + ' ' + (p.state === 'up' ? 'up' : p.state.toUpperCase())).join(' · '),
        bad: g.paths.some(p => p.state !== 'up'),
      };
    }
    const up = Object.entries(g.states || {}).filter(([k, v]) => k.startsWith('path.') && v === 'up').map(([k]) => k.slice(5));
    return { text: up.length ? up.join(', ') : 'none up', bad: up.length === 0 };
  }

  // The wearable from the last heartbeat (issue 31): its link, or LOST when no samples came for its supervision time, and
  // its cell. Loud when falls may go undetected: lost, not connected, or the cell at the gateway's low threshold (20 %).
  function wearableOf(g) {
    const states = g.states || {};
    const state = states.wearable;
    if (!state) return { text: 'none', bad: false };
    const battery = states['wearable.battery_percent'];
    const low = battery !== undefined && Number(battery) <= 20;
    const text = (state === 'lost' ? 'LOST' : state) + (battery !== undefined ? ' · ' + battery + ' %' + (low ? ' (LOW)' : '') : '');
    return { text, bad: state !== 'connected' || low };
  }

  function renderHome(g) {
    let el = document.getElementById('home-' + g.id);
    if (!el) {
      el = document.getElementById('home-template').content.firstElementChild.cloneNode(true);
      el.id = 'home-' + g.id;
      el.dataset.id = g.id;
      wireHomeRecord(el, g.id);
    }
    el.className = 'home-card ' + g.state;
    el.dataset.state = g.state;
    el.querySelector('.home-id').textContent = g.id;
    const state = el.querySelector('.home-state');
    state.textContent = g.state;
    state.classList.toggle('bad', g.state !== 'online');
    const path = el.querySelector('.home-path');
    const paths = pathOf(g);
    path.textContent = paths.text;
    path.classList.toggle('bad', paths.bad);
    path.dataset.paths = (g.paths || []).map(p => p.name + ':' + p.state).join(' ');
    const clock = el.querySelector('.home-clock');
    clock.textContent = g.clocksynced === null ? 'unknown' : g.clocksynced ? 'synced' : 'NOT synced';
    clock.classList.toggle('bad', g.clocksynced === false);
    const wearable = el.querySelector('.home-wearable');
    const worn = wearableOf(g);
    wearable.textContent = worn.text;
    wearable.classList.toggle('bad', worn.bad);
    el.querySelector('.home-version').textContent = (g.states || {}).version || 'unknown';
    el.querySelector('.home-test').dataset.at = g.last_daily_test || '';
    el.querySelector('.home-heartbeat').dataset.at = g.last_heartbeat || '';
    renderHomeResident(el, g);
    return el;
  }

  function renderHomes() {
    const all = [...homes.values()].sort((a, b) => (a.state === 'online') - (b.state === 'online') || a.id.localeCompare(b.id));
    for (const g of all) homeList.appendChild(renderHome(g));
    document.getElementById('home-count').textContent = String(all.length);
    tick();
  }

  // Ages count up every second between the centre's clock events.
  function tick() {
    for (const el of alarmList.children) {
      const a = alarms.get(el.dataset.id);
      if (a) el.querySelector('.age').textContent = duration(since(a.received_at));
    }
    for (const dd of homeList.querySelectorAll('.home-heartbeat, .home-test')) {
      dd.textContent = ago(dd.dataset.at || null);
    }
  }

  // What the feed said while a reload's lists were on their way: the lists may predate it, so it is applied over them.
  let arrivedDuringReload = null;

  function upsertAlarm(a) {
    keepResident(a);
    if (arrivedDuringReload) arrivedDuringReload.alarms.set(a.id, a);
    if (a.state === 'cleared') {
      closed.add(a.id);
      alarms.delete(a.id);
    } else if (!closed.has(a.id)) {
      alarms.set(a.id, a);
    }
    renderAlarms();
    refreshDetails(a);
  }

  async function getJson(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    return r.json();
  }

  async function reload() {
    const arrived = { alarms: new Map(), homes: new Map() };
    arrivedDuringReload = arrived;
    try {
      const [open, gateways] = await Promise.all([getJson('api/alarms?state=open'), getJson('api/gateways')]);
      alarms.clear();
      for (const a of open) if (!closed.has(a.id)) alarms.set(a.id, a);
      for (const a of arrived.alarms.values()) {
        if (a.state === 'cleared') alarms.delete(a.id); else if (!closed.has(a.id)) alarms.set(a.id, a);
      }
      homes.clear();
      homeList.replaceChildren();
      for (const g of gateways) homes.set(g.id, g);
      for (const g of arrived.homes.values()) homes.set(g.id, g);
      renderAlarms();
      renderHomes();
      for (const a of alarms.values()) refreshDetails(a);
      for (const g of homes.values()) loadHistory(g.id);
    } catch (e) {
      show(e.message);
    } finally {
      if (arrivedDuringReload === arrived) arrivedDuringReload = null;
    }
  }

  function show(text) {
    const m = document.getElementById('message');
    m.textContent = text;
    m.hidden = false;
    clearTimeout(show.timer);
    show.timer = setTimeout(() => { m.hidden = true; }, 8000);
  }

  function replyText(action, result) {
    const c = result.command;
    if (!c) return action === 'take' ? 'taken' : 'cleared';
    if (c.status === 'ok') return 'gateway: ' + (action === 'take' ? '"help is coming" playing' : 'alarm closed');
    if (c.status === 'error' && c.reply && c.reply.error) return 'gateway refused: ' + c.reply.error.code + (c.reply.error.message ? ' (' + c.reply.error.message + ')' : '');
    return c.status === 'no_reply' ? 'gateway did not answer (yet)' : 'not sent: the centre has no broker link';
  }

  async function act(id, action, body) {
    const name = operatorInput.value.trim();
    if (!name && !operatorInput.readOnly) {
      show('Type your name (Operator) first: every action is recorded under it.');
      operatorInput.focus();
      return;
    }
    if (name) body.operator = name;
    const el = document.getElementById('alarm-' + id);
    for (const b of el ? el.querySelectorAll('button') : []) b.disabled = true;
    try {
      const r = await fetch('api/alarms/' + encodeURIComponent(id) + '/' + action, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const result = await r.json();
      if (!r.ok) {
        show(action + ': ' + (result.detail || ('HTTP ' + r.status)));
        return;
      }
      upsertAlarm(result.alarm);
      const still = document.getElementById('alarm-' + id);
      if (still) {
        const reply = still.querySelector('.reply');
        reply.hidden = false;
        reply.textContent = replyText(action, result);
        reply.classList.toggle('error', !result.command || result.command.status !== 'ok');
      }
    } catch (e) {
      show(action + ' failed: ' + e.message);
    } finally {
      for (const b of el ? el.querySelectorAll('button') : []) b.disabled = false;
    }
  }

  // ---- An alarm's timeline and steps (call-back, help on the way, arrived, note) and a home's past alarms. ----
  // Steps change no field of the alarm itself: every alarm change on the feed refetches the card's timeline, and the
  // home's past alarms (a clear ends one there). A card shows the step buttons once taken.

  const stepNames = {
    raised: 'raised at the home', delivered: 'received by the centre', taken: 'taken', callback: 'call-back', note: 'note',
    help: 'help on the way', arrived: 'arrived at the home', cleared: 'cleared', sms: 'SMS',
  };
  const outcomeNames = { answered: 'answered', 'no-answer': 'no answer', busy: 'busy', 'wrong-number': 'wrong number', sent: 'sent', failed: 'not sent' };
  const latest = new Map();  // what -> number of its newest request: an older answer arriving late is dropped

  function newest(what) {
    const n = (latest.get(what) || 0) + 1;
    latest.set(what, n);
    return () => latest.get(what) === n;
  }

  function clockOf(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function stepText(e) {
    let text = stepNames[e.kind] || e.kind;
    if (e.outcome) text += ': ' + (outcomeNames[e.outcome] || e.outcome);
    if (e.text) text += (e.outcome ? ' — ' : ': ') + e.text;
    if (e.operator) text += ' · ' + e.operator;
    return text;
  }

  function renderTimeline(ol, timeline) {
    ol.replaceChildren(...timeline.map(e => {
      const li = document.createElement('li');
      li.dataset.kind = e.kind;
      const at = document.createElement('time');
      at.className = 'step-at';
      at.dateTime = e.at;
      at.textContent = clockOf(e.at);
      const text = document.createElement('span');
      text.className = 'step-text';
      text.textContent = stepText(e);
      li.append(at, text);
      return li;
    }));
  }

  function showTimeline(id, timeline) {
    const el = document.getElementById('alarm-' + id);
    if (!el) return;
    renderTimeline(el.querySelector('.timeline'), timeline);
    // "Arrived" follows "help on the way" (the centre refuses it before).
    el.querySelector('.arrived').hidden = !timeline.some(e => e.kind === 'help');
  }

  async function loadTimeline(id) {
    const current = newest('alarm ' + id);
    try {
      const a = await getJson('api/alarms/' + encodeURIComponent(id));
      if (current()) showTimeline(id, a.timeline);
    } catch (e) {
      show(e.message);
    }
  }

  function refreshDetails(a) {
    const el = document.getElementById('alarm-' + a.id);
    if (el) {
      el.querySelector('.steps').hidden = a.state !== 'taken';
      loadTimeline(a.id);
    }
    if (homes.has(a.gateway)) loadHistory(a.gateway);
  }

  async function documentStep(id, path, body) {
    const name = operatorInput.value.trim();
    if (!name && !operatorInput.readOnly) {
      show('Type your name (Operator) first: every step is recorded under it.');
      operatorInput.focus();
      return false;
    }
    if (name) body.operator = name;
    const el = document.getElementById('alarm-' + id);
    const buttons = el ? [...el.querySelectorAll('.steps button')] : [];
    for (const b of buttons) b.disabled = true;
    try {
      const r = await fetch('api/alarms/' + encodeURIComponent(id) + '/' + path, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      const result = await r.json();
      if (!r.ok) {
        show(stepNames[path === 'callbacks' ? 'callback' : path === 'notes' ? 'note' : path] + ': ' + (result.detail || ('HTTP ' + r.status)));
        return false;
      }
      if (result.alarm && result.alarm.timeline) showTimeline(id, result.alarm.timeline); else loadTimeline(id);
      return true;
    } catch (e) {
      show(path + ' failed: ' + e.message);
      return false;
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  function wireSteps(el, id) {
    el.querySelector('.callback').addEventListener('click', () =>
      documentStep(id, 'callbacks', { outcome: el.querySelector('.callback-outcome').value }));
    el.querySelector('.arrived').addEventListener('click', () => documentStep(id, 'arrived', {}));
    for (const [button, field, path, ask] of [
      ['.help', '.help-text', 'help', 'Help on the way: write who is going (e.g. night patrol, car 2).'],
      ['.note', '.note-text', 'notes', 'Write the note first.'],
    ]) {
      const input = el.querySelector(field);
      el.querySelector(button).addEventListener('click', async () => {
        if (!input.value.trim()) {
          show(ask);
          input.focus();
          return;
        }
        if (await documentStep(id, path, { text: input.value.trim() })) input.value = '';
      });
    }
  }

  function ending(a) {
    if (a.state !== 'cleared') return 'open: ' + stateText(a);
    return (a.clear_reason || 'cleared') + ' · ' + (a.cleared_by || 'at the home');
  }

  function pastItem(ol, a) {
    let li = ol.querySelector('li[data-id="' + a.id + '"]');
    if (!li) {
      li = document.createElement('li');
      li.dataset.id = a.id;
      const details = document.createElement('details');
      const summary = document.createElement('summary');
      for (const part of ['past-kind', 'past-at', 'past-end']) {
        const span = document.createElement('span');
        span.className = part;
        summary.append(span, part === 'past-end' ? '' : ' · ');
      }
      const timeline = document.createElement('ol');
      timeline.className = 'timeline';
      details.append(summary, timeline);
      // The whole story of a past alarm, fetched when the nurse opens it.
      details.addEventListener('toggle', async () => {
        if (!details.open) return;
        try {
          renderTimeline(timeline, (await getJson('api/alarms/' + encodeURIComponent(a.id))).timeline);
        } catch (e) {
          show(e.message);
        }
      });
      li.append(details);
    }
    li.dataset.state = a.state;
    li.querySelector('.past-kind').textContent = kindOf(a.type);
    li.querySelector('.past-at').textContent = new Date(a.raised_at).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
    li.querySelector('.past-end').textContent = ending(a);
    return li;
  }

  async function loadHistory(gateway) {
    const current = newest('home ' + gateway);
    try {
      const past = await getJson('api/gateways/' + encodeURIComponent(gateway) + '/alarms?days=30');
      const el = document.getElementById('home-' + gateway);
      if (!current() || !el) return;
      const ol = el.querySelector('.home-alarms');
      const items = past.map(a => pastItem(ol, a));
      ol.replaceChildren(...items);
      el.querySelector('.home-alarm-count').textContent = String(past.length);
    } catch (e) {
      show(e.message);
    }
  }

  // ---- end of the timeline and steps ----

  // Audible escalation: the browser allows sound only after a click, hence the button (any click arms it too).
  function arm() {
    if (audio) return;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    audio = new Ctx();
    soundButton.textContent = 'Sound on';
    soundButton.setAttribute('aria-pressed', 'true');
  }

  function beep(count, why) {
    if (!audio) {
      arm();
      if (!audio) return;
    }
    if (audio.state === 'suspended') audio.resume();
    const start = audio.currentTime + 0.05;
    for (let i = 0; i < Math.max(1, Math.min(count, 3)); i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.3;
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.3);
      osc.stop(start + i * 0.3 + 0.18);
    }
    // What sounded last, for whoever checks the page (the browser test).
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps) + 1);
    document.body.dataset.lastBeep = why;
  }

  soundButton.addEventListener('click', () => { arm(); beep(1, 'sound check'); });
  document.addEventListener('click', arm, { once: true });

  operatorInput.value = localStorage.getItem('operator') || '';
  operatorInput.addEventListener('change', () => localStorage.setItem('operator', operatorInput.value.trim()));
  // Whose alarm is whose depends on the name: the resident details button follows it.
  operatorInput.addEventListener('input', () => renderAlarms());

  // --- Roles (issue 29) --------------------------------------------------------------------------------------------
  // The body gets a class per role the operator holds (role-nurse, role-technician, ...) and page.css hides what the
  // roles may not use; until api/me answers no class is set, so nothing is offered that may be refused. The server's
  // 403 is the real guard: this only spares the operator buttons that cannot work.
  function showRoles(roles) {
    for (const role of ['nurse', 'coordinator', 'technician', 'auditor']) {
      document.body.classList.toggle('role-' + role, (roles || []).includes(role));
    }
    document.body.dataset.roles = (roles || []).join(',');
  }
  // --- end of roles ---------------------------------------------------------------------------------------------------

  // --- Resident records (issue 29) ------------------------------------------------------------------------------------
  // Who lives in a home and how to get in. Every card shows the summary the lists carry (`resident`: name, age, address,
  // access without any code, care notes); the codes, next of kin and GP come only from api/alarms/{id}/resident, for the
  // nurse who took that alarm while it is open, and only when she asks. The record itself (api/residents/{gateway}) is
  // the coordinator's: page.css hides its buttons from other roles, and the server's 403 is the real guard.

  // The record's fields (not next of kin, which are rows): the API's field path, the label, and the input's kind; the
  // lengths are the API's (Residents/ResidentJson.cs), so the form never lets through what the centre refuses for length.
  const recordFields = [
    ['Resident', [
      ['name', 'Name', { maxlength: 100, autocomplete: 'off' }],
      ['born', 'Born', { type: 'date' }],
      ['language', 'Language', { maxlength: 40 }],
      ['phone', 'Phone', { type: 'tel', maxlength: 24, placeholder: '+47 912 34 567' }],
      ['zone', 'Zone', { maxlength: 40, placeholder: 'e.g. north' }],
    ]],
    ['Address', [
      ['address.street', 'Street', { maxlength: 100 }],
      ['address.postcode', 'Postcode', { maxlength: 12 }],
      ['address.city', 'City', { maxlength: 60 }],
      ['address.floor', 'Floor', { maxlength: 10 }],
      ['address.door', 'Door', { maxlength: 20 }],
    ]],
    ['Getting in', [
      ['access.key_safe', 'Key safe (where)', { maxlength: 100 }],
      ['access.key_safe_code', 'Key safe code', { maxlength: 20, autocomplete: 'off' }],
      ['access.door_code', 'Door code', { maxlength: 20, autocomplete: 'off' }],
      ['access.notes', 'Entry notes', { textarea: true, maxlength: 300 }],
    ]],
    ['GP', [
      ['gp.name', 'GP', { maxlength: 100 }],
      ['gp.phone', 'GP phone', { type: 'tel', maxlength: 24 }],
    ]],
    ['Care', [
      ['care_notes', 'Care notes', { textarea: true, maxlength: 1000 }],
    ]],
  ];
  const maxKin = 5;
  const residentDialog = document.getElementById('resident-dialog');
  const residentForm = document.getElementById('resident-form');
  const kinRows = residentForm.querySelector('.kin-rows');
  const smsMinutes = residentForm.querySelector('.sms-minutes');
  const smsOnClear = residentForm.querySelector('.sms-on-clear');
  let recordGateway = null;  // the home whose record the form holds

  // The clear reasons the family may be told of are the ones a nurse can pick: taken from the alarm card's own list.
  for (const option of document.getElementById('alarm-template').content.querySelectorAll('.reason option')) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = option.value;
    label.append(box, ' ' + option.textContent);
    smsOnClear.append(label);
  }

  function operatorName(what) {
    const name = operatorInput.value.trim();
    if (!name && !operatorInput.readOnly) {
      show('Type your name (Operator) first: ' + what + ' is recorded under it.');
      operatorInput.focus();
      return null;
    }
    return name;
  }

  function withOperator(path, name) {
    return name ? path + (path.includes('?') ? '&' : '?') + 'operator=' + encodeURIComponent(name) : path;
  }

  function telLink(a, phone) {
    a.textContent = phone;
    a.href = 'tel:' + phone.replace(/\s+/g, '');
  }

  function line(el, text) {
    el.textContent = text || '';
    el.hidden = !text;
  }

  // Take, clear and step answers carry no `resident` at all (absent, not null): the card keeps the one it had.
  function keepResident(a) {
    if ('resident' in a) return;
    const before = alarms.get(a.id);
    a.resident = before && before.resident ? before.resident : null;
  }

  function renderAlarmResident(el, a) {
    const box = el.querySelector('.resident');
    const r = a.resident || null;
    box.hidden = !r;
    const mine = !!r && a.state === 'taken' && !!a.taken_by && a.taken_by === operatorInput.value.trim();
    const open = box.querySelector('.resident-details-open');
    open.hidden = !mine;
    if (!mine) hideResidentDetails(el);
    if (!r) return;
    box.querySelector('.resident-name').textContent = r.name;
    box.querySelector('.resident-facts').textContent = [r.age !== null && r.age !== undefined ? r.age + ' years' : null, r.language].filter(Boolean).join(', ');
    box.querySelector('.resident-address').textContent = r.address || '';
    box.querySelector('.resident-access-text').textContent = r.access || '';
    box.querySelector('.resident-access').hidden = !r.access;
    line(box.querySelector('.resident-care'), r.care_notes);
    box.querySelector('.resident-phone-line').hidden = !r.phone;
    if (r.phone) telLink(box.querySelector('.resident-phone'), r.phone);
  }

  function hideResidentDetails(el) {
    const details = el.querySelector('.resident-details');
    details.replaceChildren();  // codes do not stay in the page once hidden
    details.hidden = true;
    const button = el.querySelector('.resident-details-open');
    button.setAttribute('aria-expanded', 'false');
    button.textContent = 'Resident details';
  }

  function wireResident(el, id) {
    const button = el.querySelector('.resident-details-open');
    button.addEventListener('click', async () => {
      const details = el.querySelector('.resident-details');
      if (!details.hidden) {
        hideResidentDetails(el);
        return;
      }
      const name = operatorName('reading a resident\'s details');
      if (name === null) return;
      button.disabled = true;
      try {
        const r = await fetch(withOperator('api/alarms/' + encodeURIComponent(id) + '/resident', name), { headers: { Accept: 'application/json' }, cache: 'no-store' });
        const body = await r.json();
        if (!r.ok) {
          show('Resident details: ' + (body.detail || ('HTTP ' + r.status)));
          return;
        }
        renderResidentDetails(details, body);
        details.hidden = false;
        button.setAttribute('aria-expanded', 'true');
        button.textContent = 'Hide resident details';
      } catch (e) {
        show('Resident details failed: ' + e.message);
      } finally {
        button.disabled = false;
      }
    });
  }

  // What the nurse on the way needs: how to get in, whom to call (in order), the GP.
  function renderResidentDetails(box, r) {
    const dl = document.createElement('dl');
    const row = (cls, term, value) => {
      if (value === null || value === undefined || value === '') return;
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.className = cls;
      if (value instanceof Node) dd.append(value); else dd.textContent = value;
      dl.append(dt, dd);
    };
    const tel = phone => {
      if (!phone) return null;
      const a = document.createElement('a');
      telLink(a, phone);
      return a;
    };
    const access = r.access || {};
    row('rd-key-safe', 'Key safe', access.key_safe);
    row('rd-key-safe-code', 'Key safe code', access.key_safe_code);
    row('rd-door-code', 'Door code', access.door_code);
    row('rd-entry-notes', 'Getting in', access.notes);
    row('rd-phone', 'Resident\'s phone', tel(r.phone));
    if (r.next_of_kin && r.next_of_kin.length) {
      const ol = document.createElement('ol');
      ol.className = 'rd-kin';
      for (const k of r.next_of_kin) {
        const li = document.createElement('li');
        li.append(k.name + ' (' + k.relation + ') ', tel(k.phone));
        ol.append(li);
      }
      row('rd-kin-list', 'Next of kin', ol);
    }
    if (r.gp) {
      const gp = document.createElement('span');
      gp.append(r.gp.name + ' ', tel(r.gp.phone));
      row('rd-gp', 'GP', gp);
    }
    row('rd-care', 'Care notes', r.care_notes);
    box.replaceChildren(dl);
  }

  function renderHomeResident(el, g) {
    const r = g.resident || null;
    el.dataset.resident = r ? 'yes' : 'no';
    el.querySelector('.home-no-resident').hidden = !!r;
    line(el.querySelector('.home-resident-name'), r ? r.name : '');
    line(el.querySelector('.home-resident-address'), r ? r.address : '');
    line(el.querySelector('.home-resident-zone'), r && r.zone ? 'Zone ' + r.zone : '');
    el.querySelector('.record-export').hidden = !r;
    el.querySelector('.record-erase').hidden = !r;
  }

  function wireHomeRecord(el, gateway) {
    el.querySelector('.record-open').addEventListener('click', () => openRecord(gateway));
    el.querySelector('.record-export').addEventListener('click', () => exportRecord(gateway));
    el.querySelector('.record-erase').addEventListener('click', () => eraseRecord(gateway));
  }

  // The form's fields, built once from the table above.
  function buildRecordForm() {
    const box = residentForm.querySelector('.record-fields');
    for (const [legend, fields] of recordFields) {
      const set = document.createElement('fieldset');
      const title = document.createElement('legend');
      title.textContent = legend;
      set.append(title);
      for (const [path, label, opts] of fields) {
        const wrap = document.createElement('label');
        wrap.className = 'field';
        const input = document.createElement(opts.textarea ? 'textarea' : 'input');
        if (!opts.textarea) input.type = opts.type || 'text';
        if (opts.maxlength) input.maxLength = opts.maxlength;
        if (opts.placeholder) input.placeholder = opts.placeholder;
        if (opts.autocomplete) input.autocomplete = opts.autocomplete;
        input.dataset.field = path;
        const error = document.createElement('span');
        error.className = 'field-error';
        error.dataset.errorFor = path;
        wrap.append(label + ' ', input, error);
        set.append(wrap);
      }
      box.append(set);
    }
  }

  // Next of kin rows: their order is the calling order; paths follow the position (next_of_kin[0].phone, ...).
  function numberKin() {
    const rows = [...kinRows.children];
    rows.forEach((li, i) => {
      for (const input of li.querySelectorAll('[data-kin]')) {
        input.dataset.field = 'next_of_kin[' + i + '].' + input.dataset.kin;
        input.closest('.field').querySelector('.field-error').dataset.errorFor = input.dataset.field;
      }
      li.querySelector('.kin-up').disabled = i === 0;
      li.querySelector('.kin-down').disabled = i === rows.length - 1;
    });
    residentForm.querySelector('.kin-add').disabled = rows.length >= maxKin;
  }

  function addKin(k) {
    const li = document.getElementById('kin-template').content.firstElementChild.cloneNode(true);
    for (const input of li.querySelectorAll('[data-kin]')) {
      if (input.type === 'checkbox') input.checked = !!(k && k[input.dataset.kin]);
      else input.value = (k && k[input.dataset.kin]) || '';
    }
    li.querySelector('.kin-up').addEventListener('click', () => {
      if (li.previousElementSibling) kinRows.insertBefore(li, li.previousElementSibling);
      numberKin();
    });
    li.querySelector('.kin-down').addEventListener('click', () => {
      if (li.nextElementSibling) kinRows.insertBefore(li.nextElementSibling, li);
      numberKin();
    });
    li.querySelector('.kin-remove').addEventListener('click', () => {
      li.remove();
      numberKin();
    });
    kinRows.append(li);
    numberKin();
    return li;
  }

  function valueAt(record, path) {
    return path.split('.').reduce((o, key) => (o === null || o === undefined ? null : o[key]), record);
  }

  function fillRecordForm(record) {
    for (const input of residentForm.querySelectorAll('.record-fields [data-field]')) {
      const v = record ? valueAt(record, input.dataset.field) : null;
      input.value = v === null || v === undefined ? '' : String(v);
    }
    kinRows.replaceChildren();
    for (const k of (record && record.next_of_kin) || []) addKin(k);
    numberKin();
    const sms = (record && record.sms) || {};
    smsMinutes.value = sms.untaken_minutes ? String(sms.untaken_minutes) : '';
    for (const box of smsOnClear.querySelectorAll('input')) box.checked = (sms.on_clear || []).includes(box.value);
  }

  // The form as the API's record: empty optional fields left out; name, street and city always sent, so that a missing
  // one is the server's to name; a half-filled GP or next of kin sent as typed for the same reason.
  function readRecordForm() {
    const v = path => residentForm.querySelector('.record-fields [data-field="' + path + '"]').value.trim();
    const pick = (paths, always) => {
      const o = {};
      for (const p of paths) {
        const key = p.split('.').pop();
        if (v(p) || (always || []).includes(p)) o[key] = v(p);
      }
      return o;
    };
    const record = pick(['name', 'born', 'language', 'phone', 'zone', 'care_notes'], ['name']);
    record.address = pick(['address.street', 'address.postcode', 'address.city', 'address.floor', 'address.door'], ['address.street', 'address.city']);
    const access = pick(['access.key_safe', 'access.key_safe_code', 'access.door_code', 'access.notes']);
    if (Object.keys(access).length) record.access = access;
    const gp = pick(['gp.name', 'gp.phone']);
    if (Object.keys(gp).length) record.gp = { name: v('gp.name'), phone: v('gp.phone') };
    record.next_of_kin = [...kinRows.children]
      .map(li => Object.fromEntries([...li.querySelectorAll('[data-kin]')].map(i => [i.dataset.kin, i.type === 'checkbox' ? i.checked : i.value.trim()])))
      .filter(k => k.name || k.relation || k.phone);
    // The minutes go as typed (a number when it is one), so "abc" or 0 is the server's to name at its field.
    const minutes = smsMinutes.value.trim();
    const onClear = [...smsOnClear.querySelectorAll('input:checked')].map(b => b.value);
    if (minutes || onClear.length) record.sms = { untaken_minutes: minutes === '' ? null : (/^\d+$/.test(minutes) ? Number(minutes) : minutes), on_clear: onClear };
    return record;
  }

  function clearRecordErrors() {
    for (const e of residentForm.querySelectorAll('.field-error')) e.textContent = '';
    for (const i of residentForm.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
    residentForm.querySelector('.record-errors').replaceChildren();
  }

  // Each error next to its field (the error's path is the input's data-field); one the form has no place for in the list.
  function showRecordErrors(problem) {
    clearRecordErrors();
    const errors = problem.errors && problem.errors.length ? problem.errors : [{ field: problem.field, detail: problem.detail }];
    let first = null;
    for (const e of errors) {
      const input = e.field ? residentForm.querySelector('[data-field="' + CSS.escape(e.field) + '"]') : null;
      const slot = e.field ? residentForm.querySelector('[data-error-for="' + CSS.escape(e.field) + '"]') : null;
      if (slot) {
        slot.textContent = slot.textContent ? slot.textContent + ' ' + e.detail : e.detail;
        if (input) {
          input.setAttribute('aria-invalid', 'true');
          first = first || input;
        }
      } else {
        const li = document.createElement('li');
        li.textContent = (e.field ? e.field + ': ' : '') + (e.detail || problem.title || 'refused');
        residentForm.querySelector('.record-errors').append(li);
      }
    }
    if (first) first.focus();
  }

  function setRecordState(state, text) {
    residentDialog.dataset.state = state;
    residentForm.querySelector('.record-status').textContent = text;
  }

  async function openRecord(gateway) {
    const name = operatorName('reading a resident record');
    if (name === null) return;
    recordGateway = gateway;
    residentForm.querySelector('.record-gateway').textContent = '· ' + gateway;
    clearRecordErrors();
    fillRecordForm(null);
    const home = homes.get(gateway);
    if (!home || !home.resident) {
      setRecordState('ready', 'No record yet: fill it in and save.');
      residentDialog.showModal();
      return;
    }
    setRecordState('loading', 'Loading…');
    residentDialog.showModal();
    try {
      const r = await fetch(withOperator('api/residents/' + encodeURIComponent(gateway), name), { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (recordGateway !== gateway) return;
      if (r.status === 404) {
        setRecordState('ready', 'No record yet: fill it in and save.');
        return;
      }
      const body = await r.json();
      if (!r.ok) {
        setRecordState('failed', body.detail || ('HTTP ' + r.status));
        return;
      }
      fillRecordForm(body);
      setRecordState('ready', 'Last saved' + (body.updated_by ? ' by ' + body.updated_by : '') + (body.updated_at ? ', ' + new Date(body.updated_at).toLocaleString() : '') + '.');
    } catch (e) {
      setRecordState('failed', 'Loading failed: ' + e.message);
    }
  }

  async function saveRecord() {
    const name = operatorName('saving a resident record');
    if (name === null || recordGateway === null) return;
    const gateway = recordGateway;
    const record = readRecordForm();
    if (name) record.operator = name;
    const save = residentForm.querySelector('.record-save');
    save.disabled = true;
    setRecordState('saving', 'Saving…');
    try {
      const r = await fetch('api/residents/' + encodeURIComponent(gateway), {
        method: 'PUT', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(record),
      });
      const body = await r.json();
      if (!r.ok) {
        // What was typed stays; each complaint goes next to its field.
        showRecordErrors(body);
        setRecordState('refused', r.status === 400 ? 'Not saved: see the fields marked.' : 'Not saved: ' + (body.detail || ('HTTP ' + r.status)));
        return;
      }
      setRecordState('saved', 'Saved.');
      residentDialog.close();
      reload();
    } catch (e) {
      setRecordState('failed', 'Saving failed: ' + e.message);
    } finally {
      save.disabled = false;
    }
  }

  // The record and the home's alarms as one JSON file, for a resident's request for their data.
  async function exportRecord(gateway) {
    const name = operatorName('an export');
    if (name === null) return;
    try {
      const r = await fetch(withOperator('api/residents/' + encodeURIComponent(gateway) + '/export', name), { cache: 'no-store' });
      if (!r.ok) {
        const body = await r.json().catch(() => ({}));
        show('Export: ' + (body.detail || ('HTTP ' + r.status)));
        return;
      }
      const url = URL.createObjectURL(await r.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = 'resident-' + gateway + '.json';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (e) {
      show('Export failed: ' + e.message);
    }
  }

  async function eraseRecord(gateway) {
    const home = homes.get(gateway);
    const who = home && home.resident ? home.resident.name : 'the resident';
    if (!confirm('Erase the record of ' + who + ' (' + gateway + ')? This cannot be undone.')) return;
    const name = operatorName('erasing a resident record');
    if (name === null) return;
    try {
      const r = await fetch('api/residents/' + encodeURIComponent(gateway) + '/erase', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(name ? { operator: name } : {}),
      });
      const body = await r.json();
      if (!r.ok) {
        show('Erase: ' + (body.detail || ('HTTP ' + r.status)));
        return;
      }
      reload();
    } catch (e) {
      show('Erase failed: ' + e.message);
    }
  }

  buildRecordForm();
  residentForm.querySelector('.kin-add').addEventListener('click', () => addKin(null).querySelector('input').focus());
  residentForm.querySelector('.record-cancel').addEventListener('click', () => residentDialog.close());
  residentForm.addEventListener('submit', e => {
    e.preventDefault();
    saveRecord();
  });
  residentDialog.addEventListener('close', () => { recordGateway = null; });
  // --- end of resident records ----------------------------------------------------------------------------------------

  // --- Duty phone (issue 30) ---
  // Alarms as notifications on the nurse's phone (Web Push, docs/centre-api.yaml "push"). "Notify this phone" asks for
  // permission, registers sw.js, subscribes at the browser's push service with the centre's public key and hands the
  // subscription to the centre, which then pushes every new alarm and escalation of her homes. A notification's tap opens
  // this page at /#alarm-ID (sw.js), and that card is scrolled to and marked (class focused), also when the alarm comes
  // in after the page has loaded. page.css hides the box from operators without the nurse role; the 403 is the guard.
  const phoneBox = document.getElementById('phone');
  const phoneStatus = document.getElementById('phone-status');
  const notifyButton = document.getElementById('notify');
  const notifyStopButton = document.getElementById('notify-stop');
  // Whom this phone's subscription was handed to the centre for: a shared phone may still get the last nurse's alarms.
  const pushOperatorKey = 'push-operator';

  function setPhone(state, text) {
    phoneBox.dataset.state = state;
    phoneStatus.textContent = text;
    notifyButton.hidden = !['off', 'other', 'failed'].includes(state);
    notifyStopButton.hidden = !['on', 'other'].includes(state);
    notifyButton.disabled = notifyStopButton.disabled = state === 'busy';
  }

  // Service workers need a secure context: HTTPS, or the page on loopback.
  function pushSupported() {
    return window.isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  }

  // The centre gives its key as base64url text; subscribe() is given its bytes (not every browser takes the text).
  function base64UrlBytes(text) {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - text.length % 4) % 4);
    return Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  }

  function sameBytes(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  // The API's answer, or an error carrying its problem's detail (503 "push is off" says why better than a status) and status.
  async function pushApi(path, body) {
    const init = body === undefined
      ? { headers: { Accept: 'application/json' }, cache: 'no-store' }
      : { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) };
    const r = await fetch(path, init);
    const answer = await r.json().catch(() => ({}));
    if (!r.ok) throw Object.assign(new Error(answer.detail || (path + ': HTTP ' + r.status)), { status: r.status });
    return answer;
  }

  // A subscription made against another centre key than this one (the key file was replaced): its pushes are refused.
  function madeForOtherKey(subscription, key) {
    const earlier = subscription && subscription.options ? subscription.options.applicationServerKey : null;
    return !!earlier && !sameBytes(new Uint8Array(earlier), key);
  }

  async function phoneSubscription() {
    const registration = await navigator.serviceWorker.getRegistration();
    return registration ? registration.pushManager.getSubscription() : null;
  }

  async function notifyThisPhone() {
    const name = operatorName('a phone for notifications');
    if (name === null) return;
    setPhone('busy', 'Asking for permission…');
    try {
      // The permission first: browsers show the prompt only straight after a tap.
      if (await Notification.requestPermission() !== 'granted') {
        setPhone('denied', 'Notifications are blocked for this page: allow them in the browser\'s settings for this site.');
        return;
      }
      setPhone('busy', 'Subscribing…');
      const key = base64UrlBytes((await pushApi('api/push/key')).public_key);
      await navigator.serviceWorker.register('sw.js', { scope: '/' });
      const registration = await navigator.serviceWorker.ready;
      let subscription = await registration.pushManager.getSubscription();
      if (madeForOtherKey(subscription, key)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription = subscription || await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      const body = { subscription: subscription.toJSON() };
      if (name) body.operator = name;
      const answer = await pushApi('api/push/subscriptions', body);
      localStorage.setItem(pushOperatorKey, answer.operator || name);
      setPhone('on', 'This phone gets alarms');
    } catch (e) {
      setPhone('failed', 'This phone gets no alarms: ' + e.message);
    }
  }

  async function stopNotifications() {
    const name = operatorName('stopping notifications');
    if (name === null) return;
    setPhone('busy', 'Stopping…');
    try {
      const subscription = await phoneSubscription();
      if (subscription) {
        // The centre first: while this phone still holds the subscription, a refusal here can be tried again.
        const body = { endpoint: subscription.endpoint };
        if (name) body.operator = name;
        await pushApi('api/push/subscriptions/remove', body);
        await subscription.unsubscribe();
      }
      localStorage.removeItem(pushOperatorKey);
      setPhone('off', 'This phone gets no alarms');
    } catch (e) {
      show('Stop notifications failed: ' + e.message);
      showPhone();
    }
  }

  // What this phone gets, from its own subscription (the centre keeps one per phone, by its endpoint).
  async function showPhone() {
    if (!pushSupported()) {
      setPhone('unsupported', window.isSecureContext ? 'This browser cannot show alarms as notifications' : 'Notifications need the page over HTTPS');
      return;
    }
    try {
      let key;
      try {
        key = base64UrlBytes((await pushApi('api/push/key')).public_key);
      } catch (e) {
        if (e.status !== 503) throw e;
        // Push is off at this centre (no --vapid-key): nothing the nurse could do here, so nothing is offered.
        setPhone('disabled', '');
        phoneBox.hidden = true;
        return;
      }
      const subscription = await phoneSubscription();
      const forWhom = localStorage.getItem(pushOperatorKey);
      const name = operatorInput.value.trim();
      if (Notification.permission === 'denied') {
        setPhone('denied', 'Notifications are blocked for this page: allow them in the browser\'s settings for this site.');
      } else if (!subscription || Notification.permission !== 'granted') {
        setPhone('off', 'This phone gets no alarms');
      } else if (madeForOtherKey(subscription, key)) {
        setPhone('off', 'The centre\'s key has changed: tap Notify this phone again');
      } else if (forWhom && name && forWhom !== name) {
        setPhone('other', 'This phone gets ' + forWhom + '\'s alarms');
      } else {
        setPhone('on', 'This phone gets alarms');
      }
    } catch (e) {
      setPhone('failed', 'This phone gets no alarms: ' + e.message);
    }
  }

  // The alarm the address names (#alarm-ID): scrolled to once, when its card is there; marked while the address names it.
  let wantedAlarm = null;

  function alarmOfHash() {
    const m = /^#alarm-([0-9a-fA-F-]{36})$/.exec(location.hash);
    return m ? m[1].toLowerCase() : null;
  }

  function followHash() {
    wantedAlarm = alarmOfHash();
    showWantedAlarm();
    clearTimeout(followHash.timer);
    if (wantedAlarm) followHash.timer = setTimeout(explainMissing, 4000, wantedAlarm);
  }

  // A notification tapped after someone else cleared the alarm finds no card: the nurse is told why, not left looking.
  async function explainMissing(id) {
    if (wantedAlarm !== id) return;
    try {
      const r = await fetch('api/alarms/' + encodeURIComponent(id), { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (wantedAlarm !== id) return;
      if (r.status === 404) {
        show('That alarm is not among your homes.');
        return;
      }
      const a = await r.json();
      if (r.ok && a.state === 'cleared') {
        show('That alarm is already cleared' + (a.cleared_by ? ' by ' + a.cleared_by : '') + (a.clear_reason ? ' (' + a.clear_reason + ')' : '') + '.');
      }
    } catch (e) {
      show(e.message);
    }
  }

  // Called after every render of the list (renderAlarm sets a card's classes afresh) and when the address changes.
  function showWantedAlarm() {
    const id = alarmOfHash();
    for (const el of alarmList.querySelectorAll('.alarm.focused')) {
      if (el.dataset.id !== id) el.classList.remove('focused');
    }
    const card = id ? document.getElementById('alarm-' + id) : null;
    if (!card) return;
    card.classList.add('focused');
    if (wantedAlarm === id) {
      wantedAlarm = null;
      card.scrollIntoView({ block: 'start' });
      holdAtTop(card);
      // For a screen reader too: the card is where the page now is.
      card.tabIndex = -1;
      card.focus({ preventScroll: true });
    }
  }

  // Just after a load the cards above grow as their timelines come in, and the page below is still short: for a few
  // seconds the card is brought back to the top whenever the page's size changes, until the nurse scrolls or taps herself.
  function holdAtTop(card) {
    const interactions = ['pointerdown', 'touchstart', 'wheel', 'keydown'];
    const observer = new ResizeObserver(() => {
      if (card.isConnected) card.scrollIntoView({ block: 'start' });
    });
    const stop = () => {
      observer.disconnect();
      for (const type of interactions) window.removeEventListener(type, stop, true);
    };
    for (const type of interactions) window.addEventListener(type, stop, true);
    observer.observe(document.body);
    setTimeout(stop, 5000);
  }

  notifyButton.addEventListener('click', notifyThisPhone);
  notifyStopButton.addEventListener('click', stopNotifications);
  window.addEventListener('hashchange', followHash);
  if ('serviceWorker' in navigator) {
    // A tap on a notification while the page is open (sw.js): the page moves to the card without a reload. Set as
    // onmessage, which starts the delivery of the worker's messages.
    navigator.serviceWorker.onmessage = e => {
      if (!e.data || e.data.type !== 'show' || typeof e.data.url !== 'string') return;
      const hash = new URL(e.data.url, location.href).hash;
      if (location.hash === hash) followHash(); else location.hash = hash;
    };
  }
  followHash();
  // --- end of duty phone ---

  // --- Software rollouts (issue 32) -----------------------------------------------------------------------------------
  // The fleet by version and the latest rollout in waves (api/rollout), for technicians: page.css hides the section from
  // other roles and it is only fetched for a technician; the halt's 403 is the real guard. It is read on load, on each
  // (re)connect of the feed and on each `rollout` change; changes that arrive while a read is on its way make one more
  // read after it, never one each: the driver publishes a change per home it moves, and a wave may move hundreds.
  const softwareBox = document.getElementById('rollout');
  const fleetTable = document.getElementById('fleet');
  const haltOpen = document.getElementById('rollout-halt-open');
  const haltForm = document.getElementById('rollout-halt-form');
  const haltReason = document.getElementById('rollout-halt-reason');
  const rolloutReply = document.getElementById('rollout-reply');
  const rolloutHomeStates = ['passed', 'sent', 'waiting', 'deferred', 'failed'];
  const rolloutStateNames = { running: 'Running', halted: 'HALTED', completed: 'Completed' };
  let rolloutReading = false;
  let rolloutAgain = false;

  function isTechnician() {
    return document.body.classList.contains('role-technician');
  }

  function whenOf(iso) {
    return iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '—';
  }

  function cell(tr, text, header) {
    const td = document.createElement(header ? 'th' : 'td');
    if (header) td.scope = 'row';
    td.textContent = text;
    tr.append(td);
    return td;
  }

  function renderFleet(fleet, target) {
    const rows = fleet.map(v => {
      const tr = document.createElement('tr');
      tr.dataset.version = v.version;
      tr.classList.toggle('target', v.version === target);
      const th = cell(tr, v.version, true);
      if (v.version === target) th.append(' (rollout target)');
      cell(tr, String(v.homes)).dataset.homes = String(v.homes);
      return tr;
    });
    fleetTable.tBodies[0].replaceChildren(...rows);
    fleetTable.hidden = rows.length === 0;
    document.getElementById('fleet-empty').hidden = rows.length > 0;
  }

  function rolloutWhat(spec) {
    if (spec.kind === 'config') return 'configuration change' + (spec.config && spec.config.reason ? ': ' + spec.config.reason : '');
    return 'release ' + (spec.release ? spec.release.version : '?');
  }

  function rolloutStateText(r) {
    const name = rolloutStateNames[r.state] || r.state;
    return r.state === 'halted' ? name + ' (no further home is updated): ' + (r.haltReason || 'no reason recorded') : name;
  }

  function rolloutWaveText(r) {
    const of = r.spec.waves.length;
    if (r.state === 'completed') return 'all ' + of + ' done';
    let text = r.wave + ' of ' + of + ' (' + r.spec.waves[r.wave - 1] + ' % of the homes)';
    if (r.wavePassedAt && r.state === 'running') {
      text += '; every home passed, soaking until ' + whenOf(new Date(Date.parse(r.wavePassedAt) + r.spec.soakSeconds * 1000).toISOString());
    }
    return text;
  }

  // One row per wave (wave 0: the homes that already ran the version), a count per home state.
  function renderWaves(r) {
    const counts = new Map();
    for (const h of r.homes) {
      if (!counts.has(h.wave)) counts.set(h.wave, Object.fromEntries(rolloutHomeStates.map(s => [s, 0])));
      const c = counts.get(h.wave);
      c[h.state] = (c[h.state] || 0) + 1;
    }
    const waves = [...new Set([...r.spec.waves.keys()].map(i => i + 1).concat([...counts.keys()]))].sort((a, b) => a - b);
    const rows = waves.map(wave => {
      const tr = document.createElement('tr');
      tr.dataset.wave = String(wave);
      const current = wave === r.wave && r.state !== 'completed';
      tr.classList.toggle('current', current);
      if (current) tr.setAttribute('aria-current', 'step');
      const label = wave === 0 ? '0 (already on it)' : wave + ' (' + (r.spec.waves[wave - 1] ?? '?') + ' %)' + (current ? ' current' : '');
      cell(tr, label, true);
      const c = counts.get(wave) || {};
      for (const state of rolloutHomeStates) {
        const td = cell(tr, String(c[state] || 0));
        td.dataset.state = state;
        td.classList.toggle('has-failed', state === 'failed' && c[state] > 0);
      }
      return tr;
    });
    document.getElementById('rollout-waves').tBodies[0].replaceChildren(...rows);
  }

  function renderRolloutHomes(state, listId) {
    return r => {
      const homesOf = r.homes.filter(h => h.state === state);
      document.getElementById(listId).replaceChildren(...homesOf.map(h => {
        const li = document.createElement('li');
        li.dataset.gateway = h.gateway;
        li.textContent = h.gateway + (h.zone ? ' (' + h.zone + ')' : '') + ', wave ' + h.wave + ', ' + h.tries + (h.tries === 1 ? ' try' : ' tries') +
          ': ' + (h.reason || (state === 'deferred' ? 'deferred' : 'no reason given'));
        return li;
      }));
      document.getElementById(listId + '-box').hidden = homesOf.length === 0;
    };
  }
  const renderFailed = renderRolloutHomes('failed', 'rollout-failed');
  const renderDeferred = renderRolloutHomes('deferred', 'rollout-deferred');

  function renderRollout(status) {
    const r = status.rollout;
    renderFleet(status.fleet || [], r && r.spec.release ? r.spec.release.version : null);
    softwareBox.dataset.state = r ? r.state : 'none';
    document.getElementById('no-rollout').hidden = r !== null;
    document.getElementById('rollout-body').hidden = r === null;
    document.getElementById('rollout-id').textContent = r ? r.spec.id : '';
    if (!r) return;
    softwareBox.dataset.id = r.spec.id;
    document.getElementById('rollout-state').textContent = rolloutStateText(r);
    document.getElementById('rollout-what').textContent = rolloutWhat(r.spec);
    document.getElementById('rollout-started').textContent = 'by ' + r.spec.createdBy + ', ' + whenOf(r.spec.createdAt);
    document.getElementById('rollout-wave').textContent = rolloutWaveText(r);
    document.getElementById('rollout-window').textContent = r.spec.window ? r.spec.window + ' (centre time)' : 'any time';
    document.getElementById('rollout-soak').textContent = duration(r.spec.soakSeconds) + ' after a wave has passed';
    document.getElementById('rollout-gate').textContent = duration(r.spec.gateSeconds) + ' per home; its report is awaited ' + duration(r.spec.reportTimeoutSeconds);
    document.getElementById('rollout-max-failures').textContent = String(r.spec.maxFailures);
    renderWaves(r);
    renderFailed(r);
    renderDeferred(r);
    haltOpen.hidden = r.state !== 'running' || !haltForm.hidden;
    if (r.state !== 'running') haltForm.hidden = true;
  }

  // The start form: only while no rollout is running; its releases read again each time it is shown.
  const startForm = document.getElementById('rollout-start-form');
  const startArchive = document.getElementById('rollout-start-archive');
  const startReply = document.getElementById('rollout-start-reply');

  function startAnswer(text, error) {
    startReply.textContent = text;
    startReply.hidden = false;
    startReply.classList.toggle('error', error);
  }

  let startUnavailable = false;

  async function showStartForm(running) {
    const wasHidden = startForm.hidden;
    startForm.hidden = running || startUnavailable;
    if (startForm.hidden || !wasHidden) return;
    try {
      const answer = await fetch('api/releases', { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (answer.status === 503) {
        // Started without --release-key and --releases-dir: rollouts are started on the command line only.
        startUnavailable = true;
        startForm.hidden = true;
        return;
      }
      if (!answer.ok) throw new Error('api/releases: HTTP ' + answer.status);
      const list = await answer.json();
      const options = list.releases.map(rel => {
        const o = document.createElement('option');
        o.value = rel.file;
        o.textContent = (rel.version || '?') + ' (' + rel.file + ')' + (rel.ok ? '' : ': ' + rel.reason);
        o.disabled = !rel.ok;
        return o;
      });
      startArchive.replaceChildren(...options);
      const first = options.find(o => !o.disabled);
      if (first) first.selected = true;
      if (options.length === 0) startAnswer('No signed archive in the releases directory: copy an archive and its .sig there.', true);
    } catch (e) {
      startAnswer('Releases: ' + e.message, true);
    }
  }

  async function startRollout() {
    const name = operatorName('starting a rollout');
    if (name === null) return;
    const body = {
      archive: startArchive.value,
      waves: document.getElementById('rollout-start-waves').value.trim(),
      maxFailures: Number(document.getElementById('rollout-start-max-failures').value),
      soakMinutes: Number(document.getElementById('rollout-start-soak').value),
      gateSeconds: Number(document.getElementById('rollout-start-gate').value),
      canaries: document.getElementById('rollout-start-canaries').value.split(',').map(c => c.trim()).filter(c => c),
    };
    const hours = document.getElementById('rollout-start-window').value.trim();
    if (hours) body.window = hours;
    if (name) body.operator = name;
    const submit = document.getElementById('rollout-start-submit');
    submit.disabled = true;
    try {
      const r = await fetch('api/rollout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const result = await r.json().catch(() => ({}));
      if (!r.ok) {
        startAnswer('Not started: ' + (result.detail || ('HTTP ' + r.status)), true);
        return;
      }
      const inWaves = result.homes.filter(h => h.wave > 0).length;
      rolloutAnswer('Started ' + result.spec.id + ': ' + inWaves + ' home(s) in ' + result.spec.waves.length + ' wave(s)', false);
      startReply.hidden = true;
    } catch (e) {
      startAnswer('Not started: ' + e.message, true);
    } finally {
      submit.disabled = false;
      loadRollout();
    }
  }

  startForm.addEventListener('submit', e => {
    e.preventDefault();
    startRollout();
  });

  async function loadRollout() {
    if (!isTechnician()) return;
    if (rolloutReading) {
      rolloutAgain = true;
      return;
    }
    rolloutReading = true;
    try {
      do {
        rolloutAgain = false;
        try {
          const status = await getJson('api/rollout');
          renderRollout(status);
          showStartForm(status.rollout !== null && status.rollout.state === 'running');
        } catch (e) {
          show('Software: ' + e.message);
        }
      } while (rolloutAgain);
    } finally {
      rolloutReading = false;
    }
  }

  function rolloutAnswer(text, error) {
    rolloutReply.textContent = text;
    rolloutReply.hidden = false;
    rolloutReply.classList.toggle('error', error);
  }

  async function haltRollout() {
    const reason = haltReason.value.trim();
    if (!reason) {
      rolloutAnswer('Say why it is halted: the reason is recorded and shown to everyone.', true);
      haltReason.focus();
      return;
    }
    const name = operatorName('halting a rollout');
    if (name === null) return;
    const body = { reason };
    if (name) body.operator = name;
    const confirmButton = document.getElementById('rollout-halt-confirm');
    confirmButton.disabled = true;
    try {
      const r = await fetch('api/rollout/halt', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const result = await r.json().catch(() => ({}));
      if (!r.ok) {
        rolloutAnswer('Not halted: ' + (result.detail || ('HTTP ' + r.status)), true);
        return;
      }
      rolloutAnswer('The centre halted it: ' + (result.haltReason || reason), false);
      haltForm.hidden = true;
      haltReason.value = '';
    } catch (e) {
      rolloutAnswer('Not halted: ' + e.message, true);
    } finally {
      confirmButton.disabled = false;
      loadRollout();
    }
  }

  haltOpen.addEventListener('click', () => {
    haltForm.hidden = false;
    haltOpen.hidden = true;
    rolloutReply.hidden = true;
    haltReason.focus();
  });
  document.getElementById('rollout-halt-cancel').addEventListener('click', () => {
    haltForm.hidden = true;
    haltOpen.hidden = softwareBox.dataset.state !== 'running';
  });
  haltForm.addEventListener('submit', e => {
    e.preventDefault();
    haltRollout();
  });
  // --- end of software rollouts ---------------------------------------------------------------------------------------

  // --- Mass outages (issue 33) ---------------------------------------------------------------------------------------
  // A zone's homes gone quiet together (a power or network cut) are one incident on api/outages, not one alarm card per
  // home: one card each above the alarms, "40 homes in zone north offline since 02:14" with the count and how many are
  // back, and a closed one (the last 24 h) with how it ended. The text is the centre's (its clock and zone); built with
  // textContent only. Read on load, on each (re)connect and on each `outage` change, at most once a second: a storm's
  // returns move the count many times, and the page needs the last count, not each one.
  const outagesBox = document.getElementById('outages');
  const outageList = document.getElementById('outage-list');
  let outageTimer = null;
  let outageLast = -Infinity;

  function seesOutages() {
    return document.body.classList.contains('role-nurse') || document.body.classList.contains('role-technician');
  }

  function outagePart(tag, className, text) {
    const el = document.createElement(tag);
    el.className = className;
    el.textContent = text;
    return el;
  }

  function renderOutage(o) {
    const li = document.createElement('li');
    li.className = 'outage ' + (o.state === 'open' ? 'open' : 'closed');
    li.dataset.id = o.id;
    li.dataset.state = o.state;
    li.append(outagePart('p', 'outage-text', o.text));
    if (o.state === 'open') {
      const counts = document.createElement('p');
      counts.className = 'outage-counts';
      counts.append(
        outagePart('span', 'outage-homes', o.homes + (o.homes === 1 ? ' home' : ' homes')),
        outagePart('span', 'outage-back', o.returned + ' back'));
      li.append(counts);
    }
    return li;
  }

  function renderOutages(list) {
    outageList.replaceChildren(...list.map(renderOutage));
    document.getElementById('outage-count').textContent = String(list.filter(o => o.state === 'open').length);
    outagesBox.hidden = list.length === 0;
  }

  async function readOutages() {
    outageTimer = null;
    outageLast = performance.now();
    const fresh = newest('outages');  // a slow answer overtaken by a later read is dropped
    try {
      const answer = await getJson('api/outages');
      if (fresh()) renderOutages(answer.outages);
    } catch (e) {
      show('Outages: ' + e.message);
    }
  }

  function loadOutages() {
    if (!seesOutages() || outageTimer !== null) return;  // a read already waiting will see this change too
    outageTimer = setTimeout(readOutages, Math.max(0, outageLast + 1000 - performance.now()));
  }
  // --- end of mass outages --------------------------------------------------------------------------------------------

  getJson('api/me').then(me => {
    showRoles(me.roles);
    loadRollout();
    loadOutages();
    document.body.dataset.zones = Array.isArray(me.zones) ? me.zones.join(',') : '';
    if (me.login) {
      operatorInput.value = me.operator;
      operatorInput.readOnly = true;
      renderAlarms();
    }
    showPhone();
  }).catch(e => show(e.message));

  const live = document.getElementById('live');
  const feed = new EventSource('api/events/stream');
  feed.addEventListener('alarm', e => {
    const a = JSON.parse(e.data);
    const isNew = !alarms.has(a.id) && a.state !== 'cleared' && !closed.has(a.id);
    upsertAlarm(a);
    if (isNew) beep(1, 'new alarm');
  });
  feed.addEventListener('escalation', e => {
    const a = JSON.parse(e.data);
    upsertAlarm(a);
    beep(a.escalation, 'escalation ' + a.escalation);
  });
  feed.addEventListener('clock', e => {
    const first = centreClock === null;
    centreClock = { now: Date.parse(JSON.parse(e.data).now), at: performance.now() };
    if (first) tick();
  });
  feed.addEventListener('gateway', e => {
    const g = JSON.parse(e.data);
    if (arrivedDuringReload) arrivedDuringReload.homes.set(g.id, g);
    homes.set(g.id, g);
    renderHomes();
  });
  // A home that left this operator's zones (its zone changed, its record erased): the lists, read again, no longer hold it.
  feed.addEventListener('hidden', () => reload());
  feed.addEventListener('rollout', () => loadRollout());
  feed.addEventListener('outage', () => loadOutages());
  // Each (re)connect reloads the lists: what changed while the feed was down is not replayed.
  feed.onopen = () => {
    live.textContent = 'live';
    live.classList.remove('off');
    reload();
    loadRollout();
    loadOutages();
  };
  feed.onerror = () => {
    live.textContent = 'reconnecting…';
    live.classList.add('off');
  };

  setInterval(tick, 1000);
})();
