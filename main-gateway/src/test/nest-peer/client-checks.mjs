// Calls a push-service node from real Nest ClientProxy instances (Transport.TCP) and writes what the
// Nest clients received to a JSON report; main-gateway's NestPeerIT judges it.
//
//   node client-checks.mjs --node 127.0.0.1:3001 --reference 127.0.0.1:3005 --items items.json \
//       --concurrent 400 --report report.json
//
// --node is the node under test (a Java push-service node), --reference a Nest microservice with the
// same handlers (news-service.mjs): bad data and an unknown pattern are sent to both, so the report
// shows whether the node answers them as a Nest service does. --items holds every item the node
// serves, newest first, so that each of the concurrent answers can be checked against its request.

import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, timeout, toArray } from 'rxjs';

const CALL_TIMEOUT_MS = 15_000;

const { values: options } = parseArgs({
  options: {
    node: { type: 'string' },
    reference: { type: 'string' },
    items: { type: 'string' },
    concurrent: { type: 'string', default: '400' },
    report: { type: 'string' },
  },
});
for (const required of ['node', 'reference', 'items', 'report']) {
  if (!options[required]) {
    console.error(`client-checks: --${required} is required`);
    process.exit(2);
  }
}

function client(hostPort) {
  const at = hostPort.lastIndexOf(':');
  return ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) },
  });
}

/** What a Nest caller gets from `send`: every value, or the error exactly as the client surfaced it. */
async function call(proxy, pattern, data) {
  try {
    return { values: await firstValueFrom(proxy.send(pattern, data).pipe(toArray(), timeout(CALL_TIMEOUT_MS))) };
  } catch (err) {
    return { error: err instanceof Error ? { errorClass: err.constructor.name, message: err.message } : err };
  }
}

// Data that push-service refuses, each for a different reason, and one a Nest service would refuse alike.
const INVALID_DATA = [
  { limit: 0 },
  { limit: 101 },
  { limit: 'ten' },
  { limit: 2.5 },
  { latestTime: -1 },
  { latestTime: '2024-05-01T10:00:00.000Z' },
  { beforeId: 42 },
  [1, 2, 3],
  true,
  'yesterday',
  { latestTime: { when: 'a nested object long enough to be cut short in the message' } },
];

async function main() {
  const items = JSON.parse(await readFile(options.items, 'utf8'));
  const node = client(options.node);
  const reference = client(options.reference);
  const statuses = [];
  node.status.subscribe((status) => statuses.push(status));
  const report = {};

  try {
    const now = Date.now();
    report.bareLatestTime = { latestTime: now, ...(await call(node, 'fetchLatestNews', now)) };
    report.objectQuery = {
      query: { latestTime: now, limit: 5 },
      ...(await call(node, 'fetchLatestNews', { latestTime: now, limit: 5 })),
    };

    // emit() completes once the packet is written; the node's own status shows whether it arrived.
    const emitted = await lastValueFrom(node.emit('fetchNewsTask', { reason: 'nest-peer client-checks' }).pipe(
      toArray(), timeout(CALL_TIMEOUT_MS)));
    report.emit = { pattern: 'fetchNewsTask', completedAfterValues: emitted.length };

    report.invalidData = [];
    for (const data of INVALID_DATA) {
      report.invalidData.push({
        data,
        node: await call(node, 'fetchLatestNews', data),
        reference: await call(reference, 'fetchLatestNews', data),
      });
    }
    report.unknownPattern = {
      pattern: 'fetchOldNews',
      node: await call(node, 'fetchOldNews', { latestTime: now }),
      reference: await call(reference, 'fetchOldNews', { latestTime: now }),
    };

    report.concurrent = await concurrentSends(node, items, Number(options.concurrent));
    // One 'connected' and nothing else: every call above went over the client's first connection.
    report.nodeConnectionStatuses = [...statuses];
  } finally {
    node.close();
    reference.close();
  }
  await writeFile(options.report, JSON.stringify(report, null, 2) + '\n');
}

/**
 * Sends `count` requests at once on the client's one connection, each with its own cursor (an item's
 * publishedAt and id) and limit, so that each expects a different page; then checks that every answer
 * is the page its own request asked for.
 */
async function concurrentSends(proxy, items, count) {
  const socketBefore = proxy.unwrap();
  const requests = Array.from({ length: count }, (_, i) => {
    const from = i % items.length;
    const limit = 1 + ((i * 37) % 100);
    return {
      data: { latestTime: items[from].publishedAt, beforeId: items[from].id, limit },
      expected: JSON.stringify(items.slice(from + 1, from + 1 + limit)),
    };
  });
  const started = process.hrtime.bigint();
  const outcomes = await Promise.all(requests.map((request) => call(proxy, 'fetchLatestNews', request.data)));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;

  const failed = [];
  const wrong = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.error !== undefined) {
      failed.push({ request: i, error: outcome.error });
    } else if (outcome.values.length !== 1 || JSON.stringify(outcome.values[0]) !== requests[i].expected) {
      const got = outcome.values.map((page) => `${page.length} items from ${page[0]?.id ?? '-'}`);
      wrong.push({ request: i, data: requests[i].data, got });
    }
  });
  return {
    sent: count,
    answered: count - failed.length,
    failed: failed.slice(0, 5),
    failedCount: failed.length,
    wrong: wrong.slice(0, 5),
    wrongCount: wrong.length,
    distinctExpectedPages: new Set(requests.map((request) => request.expected)).size,
    sameConnection: proxy.unwrap() === socketBefore,
    elapsedMs: Math.round(elapsedMs),
  };
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
