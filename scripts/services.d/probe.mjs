#!/usr/bin/env node
// Dependency-free health probes used by scripts/services (no kafkajs/amqplib needed: they may not be installed yet).
//   node probe.mjs tcp   HOST:PORT        TCP connect
//   node probe.mjs kafka HOST:PORT[,...]  ApiVersions v0 + a Metadata request (the broker must list itself)
//   node probe.mjs amqp  AMQP_URL         AMQP 0-9-1 handshake up to Connection.Open-Ok (credentials + vhost checked)
// Prints one line; exit 0 = healthy, 1 = not. Each probe gives up after HUMANGOV_PROBE_TIMEOUT_MS (default 3000).
import net from 'node:net';

const TIMEOUT_MS = Number(process.env.HUMANGOV_PROBE_TIMEOUT_MS || 3000);

function hostPort(addr, defaultPort) {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(addr.trim());
  if (!m) throw new Error(`bad address: ${addr}`);
  return { host: m[1], port: Number(m[2] || defaultPort) };
}

// A socket with a "read exactly n bytes" helper.
function connect({ host, port }) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let waiter = null;
    let ended = null;
    const pump = () => {
      if (!waiter) return;
      if (buf.length >= waiter.n) {
        const out = buf.subarray(0, waiter.n);
        buf = buf.subarray(waiter.n);
        const w = waiter;
        waiter = null;
        w.resolve(out);
      } else if (ended) {
        const w = waiter;
        waiter = null;
        w.reject(ended);
      }
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      pump();
    });
    sock.on('close', () => {
      ended = ended || new Error('connection closed by peer');
      pump();
    });
    sock.on('error', (e) => {
      ended = e;
      reject(e);
      pump();
    });
    sock.once('connect', () =>
      resolve({
        sock,
        read: (n) =>
          new Promise((res, rej) => {
            waiter = { n, resolve: res, reject: rej };
            pump();
          }),
        write: (b) => sock.write(b),
        close: () => sock.destroy(),
      }),
    );
  });
}

// ---- Kafka --------------------------------------------------------------------------------------------------------
function kString(s) {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(b.length);
  return Buffer.concat([len, b]);
}

function kRequest(apiKey, apiVersion, correlationId, body) {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  const payload = Buffer.concat([header, kString('humangov-services-probe'), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

async function kResponse(c) {
  const size = (await c.read(4)).readInt32BE(0);
  return c.read(size);
}

class Reader {
  constructor(b) {
    this.b = b;
    this.o = 0;
  }
  i8() {
    return this.b.readInt8(this.o++);
  }
  i16() {
    const v = this.b.readInt16BE(this.o);
    this.o += 2;
    return v;
  }
  i32() {
    const v = this.b.readInt32BE(this.o);
    this.o += 4;
    return v;
  }
  str() {
    const n = this.i16();
    if (n < 0) return null;
    const s = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return s;
  }
}

async function probeKafka(list) {
  const { host, port } = hostPort(list.split(',')[0], 9092);
  const c = await connect({ host, port });
  try {
    c.write(kRequest(18, 0, 1, Buffer.alloc(0))); // ApiVersions v0
    const r = new Reader(await kResponse(c));
    r.i32(); // correlation id
    const err = r.i16();
    if (err !== 0) throw new Error(`ApiVersions error code ${err}`);
    const n = r.i32();
    let meta = null;
    for (let i = 0; i < n; i++) {
      const key = r.i16();
      const min = r.i16();
      const max = r.i16();
      if (key === 3) meta = { min, max };
    }
    if (!meta) throw new Error('broker does not list the Metadata API');
    const v = Math.min(8, meta.max); // 1..8 are the non-flexible versions this probe encodes
    if (v < Math.max(1, meta.min))
      throw new Error(`no Metadata version this probe speaks (broker: ${meta.min}..${meta.max})`);
    const parts = [Buffer.from([0xff, 0xff, 0xff, 0xff])]; // topics = null: all topics
    if (v >= 4) parts.push(Buffer.from([0])); // allow_auto_topic_creation
    if (v >= 8) parts.push(Buffer.from([0, 0])); // include cluster/topic authorized operations
    c.write(kRequest(3, v, 2, Buffer.concat(parts)));
    const m = new Reader(await kResponse(c));
    m.i32(); // correlation id
    if (v >= 3) m.i32(); // throttle_time_ms
    const brokers = [];
    const nb = m.i32();
    for (let i = 0; i < nb; i++) {
      const id = m.i32();
      const h = m.str();
      const p = m.i32();
      m.str(); // rack
      brokers.push(`${id}@${h}:${p}`);
    }
    const clusterId = v >= 2 ? m.str() : null;
    const controller = m.i32();
    if (brokers.length === 0) throw new Error('Metadata lists no broker');
    return `kafka ok: ${host}:${port} metadata v${v}: brokers=[${brokers.join(' ')}] cluster_id=${clusterId} controller=${controller}`;
  } finally {
    c.close();
  }
}

// ---- AMQP 0-9-1 -----------------------------------------------------------------------------------------------------
function aFrame(type, channel, payload) {
  const h = Buffer.alloc(7);
  h.writeUInt8(type, 0);
  h.writeUInt16BE(channel, 1);
  h.writeUInt32BE(payload.length, 3);
  return Buffer.concat([h, payload, Buffer.from([0xce])]);
}
function aMethod(cls, mth, args) {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(cls, 0);
  h.writeUInt16BE(mth, 2);
  return aFrame(1, 0, Buffer.concat([h, ...args]));
}
const shortstr = (s) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
const longstr = (b) => {
  const l = Buffer.alloc(4);
  l.writeUInt32BE(b.length);
  return Buffer.concat([l, b]);
};
const u16 = (n) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

async function aReadMethod(c) {
  for (;;) {
    const h = await c.read(7);
    const type = h.readUInt8(0);
    const size = h.readUInt32BE(3);
    const payload = await c.read(size);
    await c.read(1); // frame end
    if (type === 8) continue; // heartbeat
    if (type !== 1) throw new Error(`unexpected AMQP frame type ${type}`);
    return { cls: payload.readUInt16BE(0), mth: payload.readUInt16BE(2), args: payload.subarray(4) };
  }
}

async function probeAmqp(urlText) {
  const url = new URL(urlText);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 5672);
  const user = decodeURIComponent(url.username || 'guest');
  const pass = decodeURIComponent(url.password || 'guest');
  const vhost = url.pathname && url.pathname !== '/' ? decodeURIComponent(url.pathname.slice(1)) : '/';
  const c = await connect({ host, port });
  try {
    c.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
    let m = await aReadMethod(c).catch((e) => {
      throw new Error(`no Connection.Start (${e.message})`);
    });
    if (m.cls !== 10 || m.mth !== 10) throw new Error(`expected Connection.Start, got ${m.cls}.${m.mth}`);
    // capabilities.authentication_failure_close: a bad login gets a Connection.Close (403) instead of a silent close.
    const caps = Buffer.concat([shortstr('authentication_failure_close'), Buffer.from('t'), Buffer.from([1])]);
    const props = Buffer.concat([
      shortstr('product'),
      Buffer.from('S'),
      longstr(Buffer.from('humangov-services-probe')),
      shortstr('capabilities'),
      Buffer.from('F'),
      longstr(caps),
    ]);
    c.write(
      aMethod(10, 11, [
        longstr(props),
        shortstr('PLAIN'),
        longstr(Buffer.from(`\x00${user}\x00${pass}`)),
        shortstr('en_US'),
      ]),
    );
    m = await aReadMethod(c).catch((e) => {
      throw new Error(`login as ${user} refused (${e.message})`);
    });
    if (m.cls === 10 && m.mth === 50)
      throw new Error(`login as ${user} refused: ${m.args.toString('latin1', 3, 3 + m.args.readUInt8(2))}`);
    if (m.cls !== 10 || m.mth !== 30) throw new Error(`expected Connection.Tune, got ${m.cls}.${m.mth}`);
    const channelMax = m.args.readUInt16BE(0);
    const frameMax = m.args.readUInt32BE(2);
    c.write(aMethod(10, 31, [u16(channelMax), u32(frameMax), u16(0)]));
    c.write(aMethod(10, 40, [shortstr(vhost), shortstr(''), Buffer.from([0])]));
    m = await aReadMethod(c);
    if (m.cls === 10 && m.mth === 50)
      throw new Error(`vhost ${vhost} refused: ${m.args.toString('latin1', 3, 3 + m.args.readUInt8(2))}`);
    if (m.cls !== 10 || m.mth !== 41) throw new Error(`expected Connection.Open-Ok, got ${m.cls}.${m.mth}`);
    c.write(aMethod(10, 50, [u16(200), shortstr('probe done'), u16(0), u16(0)]));
    await aReadMethod(c).catch(() => {});
    return `amqp ok: ${user}@${host}:${port} vhost ${vhost}`;
  } finally {
    c.close();
  }
}

async function probeTcp(addr) {
  const c = await connect(hostPort(addr, 0));
  c.close();
  return `tcp ok: ${addr}`;
}

const [kind, target] = process.argv.slice(2);
const probes = { tcp: probeTcp, kafka: probeKafka, amqp: probeAmqp };
if (!probes[kind] || !target) {
  console.error('usage: probe.mjs tcp|kafka|amqp TARGET');
  process.exit(2);
}
const timer = setTimeout(() => {
  console.log(`${kind} not ok: ${target}: no answer within ${TIMEOUT_MS} ms`);
  process.exit(1);
}, TIMEOUT_MS);
probes[kind](target).then(
  (msg) => {
    clearTimeout(timer);
    console.log(msg);
    process.exit(0);
  },
  (e) => {
    clearTimeout(timer);
    console.log(`${kind} not ok: ${target}: ${e.message || e.code || e}`);
    process.exit(1);
  },
);
