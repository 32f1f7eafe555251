// Captures golden frames of the NestJS TCP transport (Transport.TCP).
//
// A real Nest microservice listens on 127.0.0.1; a raw TCP relay sits between it
// and a real Nest ClientProxy and records every byte of both directions. Each case
// uses its own client (and so its own connection), so each pair of files holds
// only that case's frames.
//
// Plain JavaScript, no compile step: decorators are applied as functions with
// Reflect.decorate. Run with `npm ci && node capture.mjs`.

import 'reflect-metadata';
import net from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientProxyFactory,
  EventPattern,
  MessagePattern,
  RpcException,
  Transport,
} from '@nestjs/microservices';
import { EMPTY, firstValueFrom, of, timeout, toArray } from 'rxjs';

const HOST = '127.0.0.1';
const HERE = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(HERE, '..', 'resources', 'nest-golden');
const CASE_TIMEOUT_MS = 5000;
const QUIET_MS = 300;
const HARD_LIMIT_MS = 30000;

const hardLimit = setTimeout(() => {
  console.error('capture: did not finish within 30 s, giving up');
  process.exit(2);
}, HARD_LIMIT_MS);
hardLimit.unref();

// ---------------------------------------------------------------- server side

const receivedEvents = [];

class NewsController {
  fetchLatestNews(data) {
    const since = data.latestTime;
    return [
      { id: 1, title: 'First headline', publishedAt: since, source: data.source },
      { id: 2, title: 'Second headline', publishedAt: since, source: data.source },
    ];
  }

  sum(data) {
    return data.reduce((a, b) => a + b, 0);
  }

  unicode(data) {
    return data;
  }

  many() {
    return of(1, 2, 3);
  }

  none() {
    return EMPTY;
  }

  undefinedResult() {
    return undefined;
  }

  nullResult() {
    return null;
  }

  rpcString() {
    throw new RpcException('bad latestTime');
  }

  rpcObject() {
    throw new RpcException({ status: 'error', message: 'custom', field: 'x' });
  }

  boom() {
    throw new Error('boom: plain error');
  }

  fetchNewsTask(data) {
    receivedEvents.push(data);
  }
}

function decorateMethod(cls, name, decorator) {
  const proto = cls.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, name);
  const result = Reflect.decorate([decorator], proto, name, descriptor);
  Object.defineProperty(proto, name, result ?? descriptor);
}

decorateMethod(NewsController, 'fetchLatestNews', MessagePattern('fetchLatestNews'));
decorateMethod(NewsController, 'sum', MessagePattern({ cmd: 'sum', b: { z: 1, a: 'x' } }));
decorateMethod(NewsController, 'unicode', MessagePattern('unicode'));
decorateMethod(NewsController, 'many', MessagePattern('many'));
decorateMethod(NewsController, 'none', MessagePattern('none'));
decorateMethod(NewsController, 'undefinedResult', MessagePattern('undefinedResult'));
decorateMethod(NewsController, 'nullResult', MessagePattern('nullResult'));
decorateMethod(NewsController, 'rpcString', MessagePattern('rpcString'));
decorateMethod(NewsController, 'rpcObject', MessagePattern('rpcObject'));
decorateMethod(NewsController, 'boom', MessagePattern('boom'));
decorateMethod(NewsController, 'fetchNewsTask', EventPattern('fetchNewsTask'));
Reflect.decorate([Controller()], NewsController);

class AppModule {}
Reflect.decorate([Module({ controllers: [NewsController] })], AppModule);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- relay

// The bytes of the connection currently being recorded.
let current = null;
let lastTraffic = Date.now();
const relaySockets = new Set();

function startRelay(serverPort) {
  const relay = net.createServer({ allowHalfOpen: true }, (fromClient) => {
    const rec = current;
    const toServer = net.connect({ host: HOST, port: serverPort, allowHalfOpen: true });
    relaySockets.add(fromClient);
    relaySockets.add(toServer);
    if (rec) rec.connections += 1;

    fromClient.on('data', (chunk) => {
      lastTraffic = Date.now();
      if (rec) rec.toServer.push(Buffer.from(chunk));
      toServer.write(chunk);
    });
    toServer.on('data', (chunk) => {
      lastTraffic = Date.now();
      if (rec) rec.toClient.push(Buffer.from(chunk));
      fromClient.write(chunk);
    });
    fromClient.on('end', () => toServer.end());
    toServer.on('end', () => fromClient.end());
    const closeBoth = () => {
      fromClient.destroy();
      toServer.destroy();
    };
    fromClient.on('error', closeBoth);
    toServer.on('error', closeBoth);
    fromClient.on('close', () => {
      relaySockets.delete(fromClient);
      if (toServer.destroyed) rec?.closed();
    });
    toServer.on('close', () => {
      relaySockets.delete(toServer);
      if (fromClient.destroyed) rec?.closed();
    });
  });
  return new Promise((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, HOST, () => resolve(relay));
  });
}

function newRecording() {
  let onClosed;
  const closedPromise = new Promise((resolve) => (onClosed = resolve));
  return {
    toServer: [],
    toClient: [],
    connections: 0,
    closed: () => onClosed(),
    closedPromise,
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitQuiet() {
  while (Date.now() - lastTraffic < QUIET_MS) {
    await sleep(50);
  }
}

function describeError(err) {
  if (err instanceof Error) {
    return { errorClass: err.constructor.name, message: err.message };
  }
  return err;
}

// ---------------------------------------------------------------- cases

const CASES = [
  {
    case: 'fetchLatestNews',
    kind: 'request',
    pattern: 'fetchLatestNews',
    data: { latestTime: '2024-05-01T10:00:00.000Z', source: 'wire' },
    description: 'handler returns an array of two news objects: one response packet with isDisposed',
  },
  {
    case: 'objectPatternSum',
    kind: 'request',
    pattern: { cmd: 'sum', b: { z: 1, a: 'x' } },
    data: [1, 2, 3, 4],
    description: 'object pattern (sent in the key order written); handler returns a number',
  },
  {
    case: 'unicode',
    kind: 'request',
    pattern: 'unicode',
    data: 'héllo wörld é😀 – 日本語 ✓ "q" \\ end',
    description: 'handler echoes a non-ASCII string; length prefix counts UTF-16 code units, not bytes',
  },
  {
    case: 'many',
    kind: 'request',
    pattern: 'many',
    data: {},
    description: 'handler returns of(1, 2, 3): three response packets, the last with isDisposed',
  },
  {
    case: 'none',
    kind: 'request',
    pattern: 'none',
    data: {},
    description: 'handler returns EMPTY: a single {isDisposed:true,id} packet; the client gets no value and completes',
  },
  {
    case: 'undefinedResult',
    kind: 'request',
    pattern: 'undefinedResult',
    data: {},
    description: 'handler returns undefined: no response key on the wire; the client gets no value and completes',
  },
  {
    case: 'nullResult',
    kind: 'request',
    pattern: 'nullResult',
    data: {},
    description: 'handler returns null: "response":null on the wire',
  },
  {
    case: 'rpcString',
    kind: 'request',
    pattern: 'rpcString',
    data: { latestTime: 'not-a-date' },
    description: "handler throws new RpcException('bad latestTime'): err {status,message}",
  },
  {
    case: 'rpcObject',
    kind: 'request',
    pattern: 'rpcObject',
    data: {},
    description: 'handler throws RpcException with an object: err is that object',
  },
  {
    case: 'boom',
    kind: 'request',
    pattern: 'boom',
    data: {},
    description: 'handler throws a plain Error: err {status:"error",message:"Internal server error"}',
  },
  {
    case: 'noSuchPattern',
    kind: 'request',
    pattern: 'noSuchPattern',
    data: { any: 'thing' },
    description: 'no handler for the pattern: server answers {id,status,err} without isDisposed',
  },
  {
    case: 'fetchNewsTask',
    kind: 'event',
    pattern: 'fetchNewsTask',
    data: { trigger: 'schedule', at: '2024-05-01T10:00:00.000Z' },
    description: 'event (emit): packet without id; the server sends nothing back',
  },
];

async function runCase(c, relayPort) {
  const rec = newRecording();
  current = rec;
  const client = ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: HOST, port: relayPort },
  });

  const outcome = { description: c.description };
  try {
    if (c.kind === 'request') {
      try {
        const values = await firstValueFrom(
          client.send(c.pattern, c.data).pipe(toArray(), timeout(CASE_TIMEOUT_MS)),
        );
        outcome.result = 'completed';
        outcome.responses = values;
      } catch (err) {
        outcome.result = 'error';
        outcome.error = describeError(err);
      }
    } else {
      const before = receivedEvents.length;
      const values = await firstValueFrom(
        client.emit(c.pattern, c.data).pipe(toArray(), timeout(CASE_TIMEOUT_MS)),
      );
      outcome.result = 'completed';
      // emit() resolves with undefined once the packet is written; JSON cannot hold
      // undefined, so the values are described rather than listed.
      outcome.emitted = `${values.length} value(s): ${values.map((v) => (v === undefined ? 'undefined' : JSON.stringify(v))).join(', ')}; then completed`;
      const deadline = Date.now() + CASE_TIMEOUT_MS;
      while (receivedEvents.length === before && Date.now() < deadline) {
        await sleep(20);
      }
      outcome.serverReceived = receivedEvents.slice(before);
    }
    await waitQuiet();
  } finally {
    client.close();
  }
  await Promise.race([rec.closedPromise, sleep(CASE_TIMEOUT_MS)]);
  current = null;

  const toServer = Buffer.concat(rec.toServer);
  const toClient = Buffer.concat(rec.toClient);
  const base = join(OUT_DIR, c.case);
  await writeFile(`${base}.to-server.bin`, toServer);
  const files = { toServer: `${c.case}.to-server.bin` };
  if (c.kind === 'request' || toClient.length > 0) {
    await writeFile(`${base}.to-client.bin`, toClient);
    files.toClient = `${c.case}.to-client.bin`;
  }
  if (rec.connections !== 1) {
    throw new Error(`case ${c.case}: expected 1 connection, saw ${rec.connections}`);
  }

  return {
    case: c.case,
    kind: c.kind,
    pattern: c.pattern,
    data: c.data,
    expectedOutcome: outcome,
    files,
    bytes: { toServer: toServer.length, toClient: toClient.length },
  };
}

async function main() {
  await mkdir(OUT_DIR, { recursive: true });
  const serverPort = await freePort();
  const app = await NestFactory.createMicroservice(AppModule, {
    transport: Transport.TCP,
    options: { host: HOST, port: serverPort },
    logger: ['error', 'warn'],
  });
  await app.listen();
  const relay = await startRelay(serverPort);
  const relayPort = relay.address().port;
  console.log(`server on ${HOST}:${serverPort}, relay on ${HOST}:${relayPort}`);

  const manifest = [];
  try {
    for (const c of CASES) {
      const entry = await runCase(c, relayPort);
      manifest.push(entry);
      console.log(
        `${entry.case}: ${entry.bytes.toServer} bytes to server, ${entry.bytes.toClient} bytes to client, ${entry.expectedOutcome.result}`,
      );
    }
    await writeFile(join(OUT_DIR, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  } finally {
    for (const s of relaySockets) s.destroy();
    await new Promise((resolve) => relay.close(() => resolve()));
    await app.close();
  }
  console.log(`wrote ${manifest.length} cases to ${OUT_DIR}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
