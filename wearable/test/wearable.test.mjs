// The wearable program under the Espruino shim: `node --test wearable/test/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadWearable } from '../test-support/espruino-shim.mjs';

const PROGRAM = fileURLToPath(new URL('../edgegateway-wearable.js', import.meta.url));
const SERVICE = '6e3a0001-4c2b-4f7e-9a51-7c1e0b5a0e47';
const SAMPLES = '6e3a0002-4c2b-4f7e-9a51-7c1e0b5a0e47';
const CONTROL = '6e3a0003-4c2b-4f7e-9a51-7c1e0b5a0e47';
const EVENTS = '6e3a0004-4c2b-4f7e-9a51-7c1e0b5a0e47';
const BATTERY_LEVEL = '2a19';

// x carries the index of the 52 Hz reading (10 mg per index, exact after the ±8 g round trip), so every output
// sample tells which reading it came from.
const indexSignal = (t, k) => ({ x: (k % 700) / 100, y: -0.5, z: 1 });

function decode(bytes) {
  assert.equal(bytes.length, 20, 'every samples notification is exactly 20 bytes');
  const v = new DataView(bytes.buffer, bytes.byteOffset, 20);
  const samples = [0, 1, 2].map((i) => [v.getInt16(2 + 6 * i, true), v.getInt16(4 + 6 * i, true), v.getInt16(6 + 6 * i, true)]);
  return { seq: v.getUint16(0, true), samples };
}

function start(options) {
  const w = loadWearable(PROGRAM, { signal: indexSignal, ...options });
  return w;
}

function connectAndSubscribe(w) {
  w.ble.connect();
  w.ble.subscribe(EVENTS);
  w.ble.subscribe(SAMPLES);
  w.ble.subscribe(BATTERY_LEVEL);
}

const seqs = (w) => w.ble.notifications(SAMPLES).map((n) => decode(n.bytes).seq);
const events = (w) => w.ble.notifications(EVENTS).map((n) => ({ t: n.t, type: n.bytes[0], counter: n.bytes[1] | (n.bytes[2] << 8) }));
const resend = (w, from, count) => w.ble.write(CONTROL, [1, from & 0xff, from >> 8, count & 0xff, count >> 8]);

test('advertises EG-xxxx from the MAC with the service UUID, within 31 bytes, and keeps the UART', () => {
  const w = start({ mac: 'e7:e0:57:ad:36:a2 random' });
  assert.equal(w.ble.advertising.name, 'EG-36a2');
  assert.deepEqual(w.ble.advertising.uuids, [SERVICE]);
  assert.ok(w.ble.advertising.bytes <= 31);
  assert.notEqual(w.ble.setServicesOptions.uart, false, 'the Web IDE must still reach the console over BLE');
  assert.deepEqual([...w.ble.read(BATTERY_LEVEL)], [87]);
});

test('turns the accelerometer to 52 Hz, ±8 g, gyro off', () => {
  const w = start();
  assert.equal(w.accel.reg[0x10], 0x3f, 'CTRL1_XL: ODR 52 Hz, FS_XL ±8 g');
  assert.equal(w.accel.reg[0x11], 0, 'CTRL2_G: gyro powered down');
  assert.equal(w.accel.odrHz(), 52);
});

test('packets: u16 seq from 0, +1 each, three consecutive samples in milli-g', () => {
  const w = start({ signal: () => ({ x: 0, y: 0, z: 1 }) });
  connectAndSubscribe(w);
  w.clock.advance(3000);
  const packets = w.ble.notifications(SAMPLES).map((n) => decode(n.bytes));
  assert.ok(packets.length >= 49, `${packets.length} packets in 3 s`);
  packets.forEach((p, i) => assert.equal(p.seq, i));
  for (const p of packets) for (const s of p.samples) assert.deepEqual(s, [0, 0, 1000]);
  assert.equal(w.ble.dropped, 0, 'live streaming fits the connection interval');
});

test('a 52 Hz input becomes an exact 50 Hz stream: 500 ± 1 samples in 10 s, each the newest reading', () => {
  for (const odrScale of [1, 0.98, 1.02]) { // the chip's ODR has its own oscillator: a few percent either way
    const w = start({ odrScale });
    connectAndSubscribe(w);
    w.clock.advance(10_000);
    const samples = w.state.readings.length;
    assert.ok(Math.abs(samples - 500) <= 1, `${samples} samples in 10 s at ODR × ${odrScale}`);
    const stream = w.ble.notifications(SAMPLES).flatMap((n) => decode(n.bytes).samples.map((s) => s[0]));
    for (let i = 1; i < stream.length; i++) {
      const step = (stream[i] - stream[i - 1] + 7000) % 7000;
      assert.ok(step >= 0 && step <= 20, `sample ${i} moves ${step / 10} readings (newest reading, none repeated twice in a row beyond the ODR)`);
    }
  }
});

test('±8 g full scale: milli-g = round(raw × 0.244), the chip saturates at ±7995 mg', () => {
  const w = start({ signal: () => ({ x: 2.5, y: -7.9, z: 12 }) });
  connectAndSubscribe(w);
  w.clock.advance(200);
  const { samples } = decode(w.ble.notifications(SAMPLES)[0].bytes);
  assert.deepEqual(samples[0], [2500, -7900, 7995]);
  const w2 = start({ signal: () => ({ x: -20, y: 0.0001, z: 0 }) });
  connectAndSubscribe(w2);
  w2.clock.advance(200);
  assert.deepEqual(decode(w2.ble.notifications(SAMPLES)[0].bytes).samples[0], [-7995, 0, 0]);
});

test('resend returns exactly the requested packets, byte for byte, in order', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(20_000);
  const original = new Map(w.ble.notifications(SAMPLES).map((n) => [decode(n.bytes).seq, [...n.bytes]]));
  const before = w.ble.notifications(SAMPLES).length;
  const newest = Math.max(...original.keys());
  resend(w, newest - 100, 5);
  w.clock.advance(2000);
  const after = w.ble.notifications(SAMPLES).slice(before).map((n) => [...n.bytes]);
  const resent = after.filter((b) => decode(Uint8Array.from(b)).seq <= newest);
  assert.deepEqual(resent.map((b) => decode(Uint8Array.from(b)).seq), [newest - 100, newest - 99, newest - 98, newest - 97, newest - 96]);
  for (const b of resent) assert.deepEqual(b, original.get(decode(Uint8Array.from(b)).seq));
  assert.equal(w.ble.dropped, 0);
  const plain = (o) => JSON.parse(JSON.stringify(o)); // the program's objects come from the vm's realm
  assert.deepEqual(plain(w.ble.requests.at(-1)), { minInterval: 30, maxInterval: 50 }, 'back to the streaming interval');
  assert.ok(w.ble.requests.some((r) => r.maxInterval <= 15), 'a faster interval while catching up');
});

test('resend skips packets older than 30 s (no longer in the ring)', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(40_000);
  const before = w.ble.notifications(SAMPLES).length;
  const newest = seqs(w).at(-1);
  resend(w, newest - 600, 150); // 600 packets = 36 s back: the first ~100 are gone
  w.clock.advance(3000);
  const resent = w.ble.notifications(SAMPLES).slice(before).filter((n) => decode(n.bytes).seq <= newest);
  assert.ok(resent.length > 0 && resent.length < 60, `${resent.length} resent`);
  const first = decode(resent[0].bytes).seq;
  resent.forEach((n, i) => assert.equal(decode(n.bytes).seq, first + i));
  assert.equal(decode(resent.at(-1).bytes).seq, newest - 600 + 149);
  for (const n of resent) {
    const madeAt = (decode(n.bytes).seq * 3 + 3) * 20; // packet n is complete after its third 20 ms tick
    assert.ok(n.t - madeAt <= 30_000, `seq ${decode(n.bytes).seq} resent ${n.t - madeAt} ms after it was made`);
  }
});

test('a resend from the far end of the ring never sends the slot the packet being filled has taken', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(40_000);
  const before = w.ble.notifications(SAMPLES).length;
  const newest = seqs(w).at(-1);
  resend(w, newest - 499, 20); // the oldest packets: they leave the ring while the resend waits for the catch-up interval
  w.clock.advance(3000);
  const resent = w.ble.notifications(SAMPLES).slice(before).filter((n) => decode(n.bytes).seq <= newest);
  assert.ok(resent.length > 0 && resent.length < 20, `${resent.length} resent`);
  const bySeq = new Map();
  for (const n of w.ble.notifications(SAMPLES)) {
    const { seq } = decode(n.bytes);
    if (bySeq.has(seq)) assert.deepEqual([...n.bytes], bySeq.get(seq), `seq ${seq} sent twice with different samples`);
    else bySeq.set(seq, [...n.bytes]);
  }
});

test('resend of seqs from before this start (what the gateway saw before a reboot) is skipped, not a crash', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(3000); // 50 packets since start
  const before = w.ble.notifications(SAMPLES).length;
  resend(w, 65500, 80); // 65500..65535 never existed since the reboot; 0..43 did
  w.clock.advance(3000);
  const resent = w.ble.notifications(SAMPLES).slice(before).map((n) => decode(n.bytes).seq).filter((s) => s < 44 || s >= 65500);
  assert.deepEqual(resent.slice(0, 44), Array.from({ length: 44 }, (_, i) => i));
});

test('seq wraps at 65536 and resend still finds the newest packet with that seq', () => {
  const w = start();
  w.clock.advance(65_540 * 60); // 65 540 packets made while nobody listened
  connectAndSubscribe(w);
  w.clock.advance(300);
  const live = seqs(w);
  assert.ok(live.length > 0 && live[0] < 10, `live seq after the wrap: ${live[0]}`);
  const before = live.length;
  resend(w, 65534, 4); // across the wrap: 65534, 65535, 0, 1
  w.clock.advance(2000);
  const resent = seqs(w).slice(before).filter((s) => s >= 65534 || s <= 1);
  assert.deepEqual(resent.slice(0, 4), [65534, 65535, 0, 1]);
});

test('help: one press sends a help event at once, one counter per press despite contact bounce', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(1000);
  const pressAt = w.clock.now;
  for (const [dt, level] of [[0, 1], [2, 0], [4, 1], [7, 0], [9, 1]]) { w.clock.advance(dt ? 2 : 0); w.btn.set(level); }
  w.clock.advance(300);
  w.btn.set(0); w.clock.advance(3); w.btn.set(1); w.clock.advance(3); w.btn.set(0); // release bounces too
  w.clock.advance(1000);
  const help = events(w).filter((e) => e.type === 1);
  assert.ok(help.length >= 1);
  assert.deepEqual([...new Set(help.map((e) => e.counter))], [1], 'one help event (counter 1, after the reboot event 0)');
  // debounce 50 ms after the last bounce (8 ms), then at once if the slot is free, else at the slot's end
  // (≤ 55 ms, on a 20 ms tick), then the next connection event (≤ 50 ms)
  assert.ok(help[0].t - pressAt <= 8 + 50 + 60 + 50, `help arrives ${help[0].t - pressAt} ms after the press`);
  assert.equal(w.ble.dropped, 0, 'not sent into a full queue');
  assert.ok(w.leds[0].history.some(([, v]) => v === 1), 'red LED flashes');
  w.clock.advance(2000);
  w.btn.set(1); w.clock.advance(300); w.btn.set(0); w.clock.advance(1000);
  assert.deepEqual([...new Set(events(w).filter((e) => e.type === 1).map((e) => e.counter))], [1, 2]);
});

test('help pressed while disconnected is delivered when the gateway is back', () => {
  const w = start();
  w.clock.advance(1000);
  w.btn.set(1); w.clock.advance(200); w.btn.set(0);
  w.clock.advance(5000);
  assert.equal(w.ble.received.length, 0);
  connectAndSubscribe(w);
  w.clock.advance(1000);
  assert.ok(events(w).some((e) => e.type === 1 && e.counter === 1));
});

test('reboot event: readable from start, notified once when the gateway subscribes, not again on reconnect', () => {
  const w = start();
  assert.deepEqual([...w.ble.read(EVENTS)], [2, 0, 0]);
  w.clock.advance(5000);
  connectAndSubscribe(w);
  w.clock.advance(500);
  assert.deepEqual(events(w).map((e) => [e.type, e.counter]), [[2, 0]]);
  w.ble.disconnect(); w.clock.advance(1000);
  connectAndSubscribe(w); w.clock.advance(1000);
  assert.deepEqual(events(w).map((e) => [e.type, e.counter]), [[2, 0]]);
});

test('battery level: updated every 60 s, notified only while connected', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(59_000);
  assert.equal(w.ble.notifications(BATTERY_LEVEL).length, 0);
  w.clock.advance(1000);
  w.state.battery = 80;
  w.clock.advance(60_200);
  const levels = w.ble.notifications(BATTERY_LEVEL);
  assert.deepEqual(levels.map((n) => n.bytes[0]), [87, 80]);
  levels.forEach((n, i) => assert.ok(n.t >= 60_000 * (i + 1) && n.t <= 60_000 * (i + 1) + 120, `battery at ${n.t} ms (in the next free slot)`));
  w.ble.disconnect();
  w.state.battery = 79;
  w.clock.advance(60_000);
  assert.equal(w.ble.notifications(BATTERY_LEVEL).length, 2);
  assert.deepEqual([...w.ble.read(BATTERY_LEVEL)], [79], 'the value still follows for a later read');
});

test('disconnected: nothing is notified, the ring fills, and a resend after reconnect fills the gap', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(5000);
  w.ble.disconnect();
  const droppedAt = w.clock.now;
  w.clock.advance(10_000);
  assert.equal(w.ble.received.filter((r) => r.t > droppedAt).length, 0);
  connectAndSubscribe(w);
  w.clock.advance(200);
  const got = seqs(w);
  const lastBefore = got.filter((s) => s < 100).at(-1);
  const firstAfter = got.at(-1);
  const gap = firstAfter - lastBefore - 1;
  assert.ok(gap > 150, `gap of ${gap} packets`);
  resend(w, lastBefore + 1, gap);
  w.clock.advance(10_000);
  const all = new Set(seqs(w));
  const newest = Math.max(...all);
  for (let s = 0; s <= newest; s++) assert.ok(all.has(s), `seq ${s} missing`);
  // the resent packets carry what was sampled while disconnected: 50 Hz readings, 10 mg per 52 Hz reading
  const stream = new Map(w.ble.notifications(SAMPLES).map((n) => [decode(n.bytes).seq, decode(n.bytes).samples.map((s) => s[0])]));
  for (let s = 1; s <= newest; s++) {
    const step = (stream.get(s)[0] - stream.get(s - 1)[2] + 7000) % 7000;
    assert.ok(step <= 20, `seq ${s}: samples continue from seq ${s - 1}`);
  }
  assert.equal(w.ble.dropped, 0, 'the catch-up never outran the connection interval');
});

test('a BLE stack that throws (busy, restarting) loses no packet and keeps the order', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(2000);
  w.ble.throwNext = 7;
  w.clock.advance(500);
  w.ble.throwNext = 3;
  w.clock.advance(6000); // the delay drains: a slot (55 ms) is shorter than a packet (60 ms)
  const got = seqs(w);
  got.forEach((s, i) => assert.equal(s, i, 'consecutive, nothing lost, nothing reordered'));
  // caught up to within the live backlog the program allows (2) + the packet being made + the one in flight
  assert.ok(w.clock.now / 60 - got.length <= 4, `${got.length} packets in ${w.clock.now} ms: caught up`);
  assert.equal(w.ble.dropped, 0);
});

test('a full queue throwing during a resend and a help press: order kept, help first', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(10_000);
  const before = w.ble.notifications(SAMPLES).length;
  const newest = seqs(w).at(-1);
  resend(w, newest - 50, 20);
  w.clock.advance(450);
  w.ble.throwNext = 4;
  w.btn.set(1); w.clock.advance(60); w.btn.set(0);
  w.clock.advance(3000);
  const later = w.ble.notifications(SAMPLES).slice(before).map((n) => decode(n.bytes).seq);
  const resent = later.filter((s) => s <= newest);
  const live = later.filter((s) => s > newest);
  assert.deepEqual(resent, Array.from({ length: 20 }, (_, i) => newest - 50 + i));
  live.forEach((s, i) => assert.equal(s, newest + 1 + i));
  assert.ok(events(w).some((e) => e.type === 1));
});

test('a help notification lost to a queue taken by something else (console output on the BLE UART) is repeated', () => {
  const w = start();
  connectAndSubscribe(w);
  w.clock.advance(1000);
  const updateServices = w.ble.updateServices.bind(w.ble);
  let first = true;
  w.ble.updateServices = (data) => { // just before the first help notification, the UART takes the one queue entry
    const ev = data[SERVICE]?.[EVENTS];
    if (first && ev?.notify && ev.value[0] === 1) { first = false; w.ble.queue.push({ uuid: 'nus-tx', bytes: Uint8Array.of(0x3e) }); }
    return updateServices(data);
  };
  w.btn.set(1); w.clock.advance(300); w.btn.set(0);
  w.clock.advance(1000);
  assert.equal(w.ble.dropped, 1, 'the first help notification was lost');
  const help = events(w).filter((e) => e.type === 1);
  assert.ok(help.length >= 1, 'a repeat got through');
  assert.deepEqual([...new Set(help.map((e) => e.counter))], [1], 'with the same counter: one press');
});
