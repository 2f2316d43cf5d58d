// A shim of the Espruino APIs the wearable program uses, written from Espruino's documentation and its source
// (github.com/espruino/Espruino: libs/bluetooth/jswrap_bluetooth.c, targets/nrf5x/bluetooth.c,
// libs/puckjs/jswrap_puck.c, src/jsinteractive.c, src/jswrap_io.c). Each behaviour names where it comes from.
// The shim also plays the other side: a central (the gateway) that connects, subscribes, writes and receives,
// and an LSM6DS3TR-C whose registers decide what Puck.accel() returns.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const NUS = '6e400001-b5a3-f393-e0a9-e50e24dcca9e'; // Nordic UART, added by setServices unless uart:false

function uuidKey(u) { return String(u).toLowerCase(); }

function uuidBytes(u) { return uuidKey(u).length > 4 ? 16 : 2; }

function toBytes(value) {
  if (typeof value === 'string') return Uint8Array.from(value, (c) => c.charCodeAt(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  if (value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]') {
    return new Uint8Array(value).slice();
  }
  return Uint8Array.from(value);
}

/** A fake clock with Espruino's timer semantics. */
class Clock {
  constructor() { this.now = 0; this.timers = []; this.nextId = 1; }
  add(fn, ms, interval, internal = false) {
    const t = { id: this.nextId++, due: this.now + ms, interval, fn, internal };
    this.timers.push(t);
    return t.id;
  }
  remove(id) { this.timers = this.timers.filter((t) => t.id !== id); }
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      let next = null;
      for (const t of this.timers) if (t.due <= end && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      if (!next) break;
      this.now = next.due;
      // src/jsinteractive.c: an interval is re-armed with timerTime + interval (from its due time, so it never
      // drifts); a timeout is removed before it runs.
      if (next.interval) next.due += next.interval; else this.remove(next.id);
      next.fn();
    }
    this.now = end;
  }
}

/**
 * The LSM6DS3TR-C as Puck.js v2 drives it. Registers start at the chip's power-down reset (CTRL1_XL = 0).
 * `signal(tSeconds)` gives the true acceleration in g at a sample instant.
 */
class Accelerometer {
  constructor(clock, signal, odrScale) {
    this.clock = clock; this.signal = signal; this.odrScale = odrScale;
    this.reg = new Uint8Array(128); this.enabled = false; this.onAt = 0; this.writes = [];
  }
  write(reg, value) { this.reg[reg] = value & 0xFF; this.writes.push([reg, value & 0xFF]); }
  odrHz() { // CTRL1_XL ODR_XL[7:4] (datasheet CTRL1_XL table): 0 power-down, 1 12.5 Hz, 2 26 Hz, 3 52 Hz, …, 11 1.6 Hz
    return [0, 12.5, 26, 52, 104, 208, 416, 833, 1660, 3330, 6660, 1.6][this.reg[0x10] >> 4] ?? 0;
  }
  mgPerLsb() { // CTRL1_XL FS_XL[3:2]: 00 ±2 g, 01 ±16 g, 10 ±4 g, 11 ±8 g (datasheet table 3 sensitivities)
    return [0.061, 0.488, 0.122, 0.244][(this.reg[0x10] >> 2) & 3];
  }
  /** The newest reading: the one from the chip's last data-ready (the idle loop reads it on the INT pin). */
  newest() {
    const hz = this.odrHz() * this.odrScale;
    const k = Math.floor(((this.clock.now - this.onAt) / 1000) * hz + 1e-9);
    const g = this.signal(this.onAt / 1000 + k / hz, k);
    const raw = (v) => Math.max(-32768, Math.min(32767, Math.round((v * 1000) / this.mgPerLsb())));
    return { x: raw(g.x), y: raw(g.y), z: raw(g.z), index: k };
  }
}

/** The button: a pin whose level the test sets, watched with Espruino's debounce. */
class Pin {
  constructor(clock, name) { this.clock = clock; this.name = name; this.level = 0; this.watches = []; this.history = []; }
  write(v) { this.level = v ? 1 : 0; this.history.push([this.clock.now, this.level]); }
  read() { return !!this.level; }
  set(level) { // the physical pin changes (button contacts bounce)
    this.level = level ? 1 : 0;
    for (const w of this.watches) {
      // src/jswrap_io.c setWatch: `debounce` fires only once the pin has held its new level that long
      // (25 ms is the default for built-in buttons); a bounce restarts the wait.
      if (w.timer) this.clock.remove(w.timer);
      w.timer = this.clock.add(() => {
        w.timer = 0;
        const state = !!this.level;
        if (state === w.lastState) return;
        const lastTime = w.lastTime; w.lastState = state; w.lastTime = this.clock.now / 1000;
        if (w.edge === 'both' || (w.edge === 'rising') === state) {
          w.fn({ state, time: this.clock.now / 1000, lastTime });
          if (!w.repeat) this.watches = this.watches.filter((x) => x !== w);
        }
      }, w.debounce, 0, true);
    }
  }
}

/**
 * The BLE side: GATT table, advertising, one central. Notifications go through a SoftDevice queue of
 * `queueSize` entries (BLE_GATTS_HVN_TX_QUEUE_SIZE_DEFAULT is 1 and Espruino does not change it), emptied one
 * packet per connection event; what does not fit is dropped without an error, because NRF.updateServices ignores
 * NRF_ERROR_RESOURCES (jswrap_bluetooth.c). `throwNext` makes updateServices throw, as it does while the
 * SoftDevice restarts ("Can't update services until BLE restart") or on any other BLE error (jsble_check_error).
 */
class Ble {
  constructor(clock, mac) {
    this.clock = clock; this.mac = mac; this.chars = new Map(); this.listeners = {};
    this.connected = false; this.cccd = new Set(); this.queue = []; this.received = []; this.dropped = 0;
    this.queueSize = 1; this.intervalMs = 7.5; this.requests = []; this.throwNext = 0; this.linkTimer = 0;
    this.paramUpdateDelayMs = 300; this.advertising = null; this.scanResponseBytes = 0;
  }
  // --- the device's API (NRF.*) ---
  setServices(services, options = {}) {
    this.chars.clear();
    const scan = [];
    for (const [svc, chars] of Object.entries(services)) {
      for (const [uuid, c] of Object.entries(chars)) {
        const value = toBytes(c.value ?? []);
        // setServices: maxLen defaults to the initial value's length
        this.chars.set(uuidKey(uuid), { service: uuidKey(svc), ...c, value, maxLen: c.maxLen ?? value.length });
      }
    }
    if (options.uart !== false) scan.push(NUS);
    for (const u of options.advertise ?? []) scan.push(u);
    // the scan response holds the NUS UUID and `advertise`; over 31 bytes Espruino throws (DATA_SIZE)
    this.scanResponseBytes = scan.reduce((n, u) => n + 2 + uuidBytes(u), 0);
    if (this.scanResponseBytes > 31) throw new Error('ERR 0x1001 (DATA_SIZE)');
    this.setServicesOptions = options;
  }
  updateServices(data) {
    if (this.throwNext > 0) { this.throwNext--; throw new Error("Can't update services until BLE restart"); }
    for (const chars of Object.values(data)) {
      for (const [uuid, upd] of Object.entries(chars)) {
        const c = this.chars.get(uuidKey(uuid));
        if (!c) throw new Error(`Unable to find service with UUID ${uuid}`);
        if (upd.value === undefined) continue;
        const bytes = toBytes(upd.value);
        // sd_ble_gatts_value_set refuses a value over max_len (NRF_ERROR_INVALID_PARAM → exception)
        if (bytes.length > c.maxLen) throw new Error('ERR 0x7 (INVALID_PARAM)');
        c.value = bytes;
        // notify only with a connection, and only on a characteristic created with notify: true
        if (!upd.notify || !c.notify || !this.connected) continue;
        // no CCCD write yet (BLE_ERROR_GATTS_SYS_ATTR_MISSING / INVALID_STATE): ignored, nothing sent
        if (!this.cccd.has(uuidKey(uuid))) continue;
        if (this.queue.length >= this.queueSize) { this.dropped++; continue; } // NRF_ERROR_RESOURCES: ignored
        this.queue.push({ uuid: uuidKey(uuid), bytes });
      }
    }
  }
  setAdvertising(data, options = {}) {
    // advertising packet: flags (3), name (2 + length), service UUIDs whose value is undefined, and (2v26+)
    // Espruino's manufacturer ID 0x0590 unless manufacturer is false; over 31 bytes is a DATA_SIZE error
    const uuids = Object.entries(data).filter(([, v]) => v === undefined).map(([k]) => k);
    const n16 = uuids.filter((u) => uuidBytes(u) === 2).length, n128 = uuids.length - n16;
    let bytes = 3 + (options.showName === false ? 0 : 2 + (options.name ?? 'Puck.js abcd').length);
    if (n16) bytes += 2 + 2 * n16;
    if (n128) bytes += 2 + 16 * n128;
    if (options.manufacturer !== false && options.manufacturer !== 0) bytes += 4 + (options.manufacturerData?.length ?? 0);
    if (bytes > 31) throw new Error('ERR 0x1001 (DATA_SIZE)');
    this.advertising = { uuids: uuids.map(uuidKey), name: options.name, bytes };
  }
  setConnectionInterval(interval) {
    // Espruino sends a connection parameter update request; the central applies it some events later.
    // A range is granted at its maximum here: the slowest (worst case for throughput) the central may choose.
    this.requests.push(interval);
    const ms = typeof interval === 'number' ? interval : interval.maxInterval;
    if (this.connected) this.clock.add(() => { if (this.connected) this.intervalMs = ms; }, this.paramUpdateDelayMs, 0, true);
  }
  getAddress() { return this.mac; }
  on(event, fn) { (this.listeners[event] ??= []).push(fn); }
  emit(event, arg) { for (const fn of this.listeners[event] ?? []) fn(arg); }
  // --- the central's side ---
  connect(address = 'b8:27:eb:00:00:01 public') {
    this.connected = true;
    this.intervalMs = 7.5; // bluetooth.c: a new peripheral connection starts at the 7.5 ms high rate
    this.scheduleLink();
    this.emit('connect', address);
  }
  scheduleLink() {
    this.linkTimer = this.clock.add(() => {
      if (!this.connected) return;
      const sent = this.queue.shift(); // one packet per connection event
      if (sent) this.received.push({ t: this.clock.now, uuid: sent.uuid, bytes: sent.bytes });
      this.scheduleLink();
    }, this.intervalMs, 0, true);
  }
  disconnect(reason = 19) { // 19: REMOTE_USER_TERMINATED_CONNECTION
    this.connected = false; this.cccd.clear(); this.queue = []; // an unbonded peer's CCCDs reset with the link
    this.clock.remove(this.linkTimer);
    this.emit('disconnect', reason);
  }
  subscribe(uuid) { // the central writes 0x0001 to the CCCD; onWriteDesc gets the written bytes
    this.cccd.add(uuidKey(uuid));
    const c = this.chars.get(uuidKey(uuid));
    if (c.onWriteDesc) c.onWriteDesc({ data: new Uint8Array([1, 0]).buffer });
  }
  write(uuid, bytes) { // a GATT write: onWrite gets { data: ArrayBuffer }
    const c = this.chars.get(uuidKey(uuid));
    if (!c.writable) throw new Error('write not permitted');
    c.value = Uint8Array.from(bytes);
    c.onWrite({ data: Uint8Array.from(bytes).buffer });
  }
  read(uuid) { return this.chars.get(uuidKey(uuid)).value; }
  notifications(uuid) { return this.received.filter((r) => r.uuid === uuidKey(uuid)); }
}

/**
 * Builds an Espruino-like global scope, runs the program in it and returns handles to drive and observe it.
 * options: signal(tSeconds) → {x, y, z} in g; odrScale (the chip's ODR error, 1 = exact); battery (percent).
 */
export function loadWearable(file, { signal = () => ({ x: 0, y: 0, z: 1 }), odrScale = 1, battery = 87, mac = 'd4:3a:9f:01:ab:cd public' } = {}) {
  const clock = new Clock();
  const accel = new Accelerometer(clock, signal, odrScale);
  const ble = new Ble(clock, mac);
  const btn = new Pin(clock, 'BTN');
  const leds = [new Pin(clock, 'LED1'), new Pin(clock, 'LED2'), new Pin(clock, 'LED3')];
  const state = { battery, readings: [] };
  const Puck = {
    // jswrap_puck.c accel_on(): 52 Hz writes CTRL6_C 0x10, CTRL7_G 0x80, CTRL9_XL 0x38,
    // CTRL1_XL = (3 << 4) | 0b1011 (52 Hz, ±4 g), CTRL2_G = 3 << 4 (gyro on), CTRL3_C 0x44, INT1_CTRL 3
    accelOn(hz = 12.5) {
      const odr = { 1.6: 11, 12.5: 1, 26: 2, 52: 3, 104: 4, 208: 5, 416: 6, 833: 7, 1660: 8 }[hz];
      if (odr === undefined) throw new Error(`Invalid sample rate ${hz} - must be 1660, 833, 416, 208, 104, 52, 26, 12.5, 1.6 Hz`);
      for (const [r, v] of [[0x15, 0x10], [0x16, 0x80], [0x18, 0x38], [0x10, (odr << 4) | 0b1011], [0x11, odr === 11 ? 0 : odr << 4], [0x12, 0x44], [0x0d, 3]]) accel.write(r, v);
      accel.enabled = true; accel.onAt = clock.now;
    },
    accelWr(reg, data) { accel.write(reg, data); },
    // Puck.accel(): with accelOn active it returns the last reading, raw int16 counts (not scaled to g)
    accel() {
      if (!accel.enabled) throw new Error('shim: Puck.accel() without accelOn powers up at 1660 Hz ±4 g; the program must not');
      const r = accel.newest();
      state.readings.push(r.index);
      const gyroOn = accel.reg[0x11] >> 4 !== 0;
      return { acc: { x: r.x, y: r.y, z: r.z }, gyro: { x: gyroOn ? 1 : 0, y: 0, z: 0 } };
    },
    // deprecated alias of E.getBattery(): percent from VREF, CR2032 2.8 V = 100 %, 2.2 V = 0 %
    getBatteryPercentage() { return state.battery; },
  };
  const globals = {
    NRF: {
      setServices: (s, o) => ble.setServices(s, o),
      updateServices: (d) => ble.updateServices(d),
      setAdvertising: (d, o) => ble.setAdvertising(d, o),
      setConnectionInterval: (i) => ble.setConnectionInterval(i),
      getAddress: () => ble.getAddress(),
      on: (e, f) => ble.on(e, f),
    },
    Puck,
    E: { getBattery: () => state.battery },
    BTN: btn, LED1: leds[0], LED2: leds[1], LED3: leds[2],
    getTime: () => clock.now / 1000, // seconds as a float
    setInterval: (fn, ms) => clock.add(fn, ms, ms),
    setTimeout: (fn, ms) => clock.add(fn, ms, 0),
    clearInterval: (id) => clock.remove(id),
    clearTimeout: (id) => clock.remove(id),
    setWatch: (fn, pin, opts) => {
      const o = typeof opts === 'object' ? opts : { repeat: !!opts };
      pin.watches.push({ fn, edge: o.edge ?? 'rising', debounce: o.debounce ?? 25, repeat: !!o.repeat, lastState: pin.read(), lastTime: 0 });
      return pin.watches.length;
    },
  };
  const context = vm.createContext(globals);
  vm.runInContext(readFileSync(file, 'utf8'), context, { filename: file });
  return { clock, accel, ble, btn, leds, state, context };
}
