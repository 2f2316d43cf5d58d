// EdgeGateway wearable (issue 31): Puck.js v2 on a belt clip at the waist, streaming its accelerometer to the
// gateway over Bluetooth LE. The protocol is in wearable/README.md ("Protocol"); this file follows it exactly.
// Espruino JavaScript, ES5 only (the interpreter has no classes). Runs from flash as boot code (see the README).
//
// Memory: the ring (10 000 bytes) is one typed array; the 20 ms tick allocates nothing of its own (Puck.accel()
// returns a small object that Espruino frees at once by reference counting).

var SERVICE = "6e3a0001-4c2b-4f7e-9a51-7c1e0b5a0e47";
var SAMPLES = "6e3a0002-4c2b-4f7e-9a51-7c1e0b5a0e47";
var CONTROL = "6e3a0003-4c2b-4f7e-9a51-7c1e0b5a0e47";
var EVENTS = "6e3a0004-4c2b-4f7e-9a51-7c1e0b5a0e47";
var BATTERY_SERVICE = "180F", BATTERY_LEVEL = "2A19"; // strings: the "ABCD" UUID form setServices documents

var TICK_MS = 20;               // the exact 50 Hz grid; Espruino re-arms intervals from the due time, so no drift
var PACKET_BYTES = 20;          // u16 seq + 3 × (i16 x, y, z): fits the default ATT MTU of 23, no MTU exchange
var RING_PACKETS = 500;         // 30 s: what resend can answer from
var MG_PER_LSB = 0.244;         // LSM6DS3TR-C sensitivity at ±8 g (datasheet table 3, LA_So)
var CTRL1_XL = 0x10, CTRL1_XL_52HZ_8G = 0x3F; // ODR_XL 0011 = 52 Hz, FS_XL 11 = ±8 g, low bits 11 as accelOn sets them
var CTRL2_G = 0x11;             // accelOn also starts the gyro at 52 Hz; we power it down (unused, ~0.45 mA)
var BATTERY_MS = 60000;
var EVENT_HELP = 1, EVENT_REBOOT = 2;
// A notification the SoftDevice has no buffer for is dropped without an error: Espruino ignores
// NRF_ERROR_RESOURCES in NRF.updateServices, and the SoftDevice's default queue holds one notification
// (BLE_GATTS_HVN_TX_QUEUE_SIZE_DEFAULT = 1), emptied at the next connection event. So we never notify faster than
// the connection interval we asked for: one notification per slot, a slot a little longer than the interval.
var STREAM_INTERVAL = { minInterval: 30, maxInterval: 50 };  // live only: one packet per 60 ms
var STREAM_SLOT_MS = 60;                                      // three ticks: > 50 ms, and the live packet rate
var LIVE_BACKLOG_MAX = 2;     // live packets held back by events or errors: beyond this, catch up at the fast interval
var CATCHUP_INTERVAL = { minInterval: 7.5, maxInterval: 15 }; // while a resend is pending
var CATCHUP_SLOT_MS = TICK_MS;                                // one notification per tick: 50/s, 33/s of them resends
// A connection parameter update takes effect some connection events after the request (the central picks an
// instant ≥ 6 events ahead, ~300 ms at 50 ms): resends and the short slot wait that long.
var CATCHUP_SETTLE_MS = 400;
// The first help notification may meet a full queue and vanish; it is repeated (same counter, so the gateway
// counts one press) one and two slots later.
var HELP_REPEAT_MS = STREAM_SLOT_MS, HELP_REPEATS = 2;

var ring = new Uint8Array(RING_PACKETS * PACKET_BYTES);
var ringView = new DataView(ring.buffer);
var produced = 0;        // packets completed since start; packet n has seq n & 0xFFFF and sits at slot n % 500
var sampleInPacket = 0;  // samples already in the packet being filled (0..2)
var liveNext = 0;        // the next packet to notify live
var resends = [];        // pending [from, end) packet ranges, flattened, oldest request first
var connected = false, samplesOn = false, eventsOn = false, batteryOn = false, catchingUp = false, resendAt = 0;
var nextSlot = 0;         // getTime() in ms from which the next notification may go
var batteryDue = false, batteryLevel = 0;
var eventCounter = 0;
var pendingEvents = [];  // [type, counter, sendAt(ms)] flattened: sent before any sample, kept while disconnected
var updates = {};        // one prebuilt NRF.updateServices argument per characteristic, reused for every call

// One notification (or a plain value update when notify is false). Throws what NRF.updateServices throws.
function notify(characteristic, value, withNotify) {
  var u = updates[characteristic];
  if (!u) {
    u = updates[characteristic] = {};
    u[SERVICE] = {};
    u[SERVICE][characteristic] = { value: null, notify: false };
  }
  var c = u[SERVICE][characteristic];
  c.value = value;
  c.notify = withNotify;
  NRF.updateServices(u);
}

function nowMs() { return getTime() * 1000; }

// ---- sampling: newest 52 Hz reading on each 50 Hz tick, into the ring ----
function startAccelerometer() {
  Puck.accelOn(52);                       // writes CTRL1_XL = 0x3B (52 Hz, ±4 g) and CTRL2_G = 0x30
  Puck.accelWr(CTRL1_XL, CTRL1_XL_52HZ_8G);
  Puck.accelWr(CTRL2_G, 0);
}

function toMg(raw) {
  var mg = Math.round(raw * MG_PER_LSB);
  return mg > 8000 ? 8000 : (mg < -8000 ? -8000 : mg);
}

function sample() {
  var a = Puck.accel().acc;               // raw int16 counts of the newest reading (jswrap_puck.c)
  var off = (produced % RING_PACKETS) * PACKET_BYTES;
  if (sampleInPacket === 0) ringView.setUint16(off, produced & 0xFFFF, true);
  off += 2 + sampleInPacket * 6;
  ringView.setInt16(off, toMg(a.x), true);
  ringView.setInt16(off + 2, toMg(a.y), true);
  ringView.setInt16(off + 4, toMg(a.z), true);
  if (++sampleInPacket === 3) { sampleInPacket = 0; produced++; }
}

function packet(n) {
  return new Uint8Array(ring.buffer, (n % RING_PACKETS) * PACKET_BYTES, PACKET_BYTES);
}

// ---- sending: one notification per slot: events, then battery, then live samples, then resends ----
function slotMs() { return catchingUp && nowMs() >= resendAt ? CATCHUP_SLOT_MS : STREAM_SLOT_MS; }

function sendEvent() { // the oldest pending event that is due; true if one went out
  if (!eventsOn || !pendingEvents.length || pendingEvents[2] > nowMs()) return false;
  notify(EVENTS, [pendingEvents[0], pendingEvents[1] & 0xFF, pendingEvents[1] >> 8], true);
  pendingEvents.splice(0, 3);             // only after the notify: a throw keeps it for the next tick
  return true;
}

function sendBattery() {
  if (!batteryDue) return false;
  var u = {};
  u[BATTERY_SERVICE] = {};
  u[BATTERY_SERVICE][BATTERY_LEVEL] = { value: [batteryLevel], notify: batteryOn };
  NRF.updateServices(u);
  batteryDue = false;
  return batteryOn;
}

function sendSamples() {
  if (!samplesOn) return false;
  // The packet being filled takes the slot of the one 500 before it at its first sample (seq first): that one is gone
  // then, and sending it would pass the new seq with 30 s old samples. In the first 30 s the ring starts at packet 0.
  var oldest = Math.max(0, produced - RING_PACKETS + (sampleInPacket > 0 ? 1 : 0));
  if (liveNext < oldest) liveNext = oldest; // stalled longer than the ring: the gateway resends or counts it lost
  if (liveNext < produced) {
    notify(SAMPLES, packet(liveNext), true);
    liveNext++;                            // only after the notify: a throw sends the same packet next time
    return true;
  }
  while (resends.length && catchingUp && nowMs() >= resendAt) {
    if (resends[0] < oldest) resends[0] = oldest; // older than 30 s: skipped, the gateway counts it lost
    if (resends[0] >= resends[1]) { resends.splice(0, 2); continue; }
    notify(SAMPLES, packet(resends[0]), true);
    resends[0]++;
    return true;
  }
  return false;
}

function setCatchingUp(on) {
  if (on === catchingUp || !connected) return;
  catchingUp = on;
  resendAt = nowMs() + CATCHUP_SETTLE_MS;
  try { NRF.setConnectionInterval(on ? CATCHUP_INTERVAL : STREAM_INTERVAL); } catch (e) { catchingUp = !on; }
}

function tick() {
  sample();
  if (!connected) return;                 // keep sampling: a short drop is filled by resend after reconnect
  setCatchingUp(resends.length > 0 || (samplesOn && produced - liveNext > LIVE_BACKLOG_MAX));
  if (nowMs() < nextSlot) return;
  try {
    if (sendEvent() || sendBattery() || sendSamples()) nextSlot = nowMs() + slotMs();
  } catch (e) {
    // BLE busy or restarting: nothing was advanced, the same notification goes first on the next tick
  }
}

// ---- control: resend (op 1), buzz (op 2) ----
function seqToPacket(seq) {
  var newest = produced - 1;
  var back = ((newest - seq) % 65536 + 65536) % 65536; // seq wraps at 65536: the latest packet with that seq
  return newest - back;
}

function onControl(evt) {
  var d = new Uint8Array(evt.data);
  if (d[0] === 1 && d.length >= 5) {
    var from = seqToPacket(d[1] | d[2] << 8);
    var end = Math.min(from + (d[3] | d[4] << 8), produced);
    if (end > from && resends.length < 32) resends.push(from, end); // 16 requests at most: the gateway asks again
  } else if (d[0] === 2 && d.length >= 3) {
    buzz(Math.min(d[1] | d[2] << 8, 5000));
  }
}

function buzz(ms) { // Puck.js v2 has no vibration motor: the green LED is the walk test's feedback
  LED2.write(1);
  setTimeout(function () { LED2.write(0); }, ms);
}

// ---- events: help (button) and reboot ----
function raiseEvent(type, repeats) {
  var counter = eventCounter;
  eventCounter = (eventCounter + 1) & 0xFFFF;
  var t = nowMs();
  if (pendingEvents.length > 60) pendingEvents.splice(0, 3); // a long disconnection: keep the newest 20
  for (var i = 0; i <= repeats; i++) pendingEvents.push(type, counter, t + i * HELP_REPEAT_MS);
  try { notify(EVENTS, [type, counter & 0xFF, counter >> 8], false); } catch (e) { } // the value a read returns
}

function onButton() {
  LED1.write(1);
  setTimeout(function () { LED1.write(0); }, 200);
  raiseEvent(EVENT_HELP, HELP_REPEATS);
  // At once if the queue is free (no notification in this slot); else the tick sends it first when the slot
  // ends, before any sample. Disconnected: it waits, and goes first when the gateway subscribes again.
  if (!connected || nowMs() < nextSlot) return;
  try { if (sendEvent()) nextSlot = nowMs() + slotMs(); } catch (e) { /* the next tick sends it */ }
}

function batteryPercent() { // CR2032 2.8 V → 100 %, 2.2 V → 0 %; Puck.getBatteryPercentage() is the deprecated name
  return E.getBattery ? E.getBattery() : Puck.getBatteryPercentage();
}

function onBattery() {
  batteryLevel = batteryPercent();
  batteryDue = true;
  if (connected) return;                  // the tick notifies it in a slot of its own
  try { sendBattery(); } catch (e) { /* the next minute tries again */ }
}

// ---- GATT, advertising, connection ----
function setup() {
  var services = {};
  var wearable = {};
  wearable[SAMPLES] = { value: packet(0), maxLen: PACKET_BYTES, readable: true, notify: true,
    onWriteDesc: function (evt) { // the gateway subscribed: stream live from now on, the gap comes by resend
      samplesOn = (new Uint8Array(evt.data)[0] & 1) === 1;
      liveNext = produced;
    } };
  // writable gives both write and write without response (nRF5x bluetooth.c sets write and write_wo_resp)
  wearable[CONTROL] = { value: [0, 0, 0, 0, 0], maxLen: 5, writable: true, onWrite: onControl };
  wearable[EVENTS] = { value: [0, 0, 0], maxLen: 3, readable: true, notify: true,
    onWriteDesc: function (evt) { eventsOn = (new Uint8Array(evt.data)[0] & 1) === 1; } };
  services[SERVICE] = wearable;
  var battery = {};
  battery[BATTERY_LEVEL] = { value: [batteryPercent()], readable: true, notify: true,
    onWriteDesc: function (evt) { batteryOn = (new Uint8Array(evt.data)[0] & 1) === 1; } };
  services[BATTERY_SERVICE] = battery;
  // uart stays on so the Web IDE can still reach the console over BLE (its UUID goes in the scan response).
  NRF.setServices(services, { uart: true });

  // 3 (flags) + 9 (name EG-xxxx) + 18 (128-bit UUID) = 30 of the 31 bytes: no room for Espruino's manufacturer data.
  var mac = NRF.getAddress();               // "aa:bb:cc:dd:ee:ff" (may end in " public"/" random")
  var adv = {};
  adv[SERVICE] = undefined;                 // undefined: advertise the service UUID itself, not service data
  NRF.setAdvertising(adv, { name: "EG-" + mac.substr(12, 2) + mac.substr(15, 2), manufacturer: false }); // lower case, as "Puck.js abcd"

  NRF.on("connect", function () {
    connected = true;
    catchingUp = true;                      // Espruino starts a connection fast; settle on the streaming interval
    setCatchingUp(false);
  });
  NRF.on("disconnect", function () {
    connected = samplesOn = eventsOn = batteryOn = catchingUp = false;
    resends = [];                           // the gateway asks again for what it still misses
  });
}

setup();
startAccelerometer();
raiseEvent(EVENT_REBOOT, 0);                // delivered when the gateway first subscribes to events
setWatch(onButton, BTN, { edge: "rising", debounce: 50, repeat: true });
setInterval(tick, TICK_MS);
setInterval(onBattery, BATTERY_MS);
