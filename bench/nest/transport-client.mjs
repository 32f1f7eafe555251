// The TCP transport alone, the Nest side: one ClientProxy (one connection) to a push-service node, with
// --concurrency requests in flight at any time, as bench/transport/TransportBench.java does with our
// TcpClient. Prints one JSON line: requests, seconds, requests per second, the client's CPU seconds.
//
//   node transport-client.mjs --port 3001 --requests 20000 --concurrency 64 --latest-time 1794951900000

import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { firstValueFrom, timeout } from 'rxjs';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';

const { values: options } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    'latest-time': { type: 'string' },
  },
});
const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: options.host, port: Number(options.port) } });
await client.connect();
const data = { latestTime: Number(options['latest-time'] ?? Date.now()), limit: 21 };

let errors = 0;
async function run(requests, concurrency) {
  let started = 0;
  const worker = async () => {
    while (started < requests) {
      started++;
      try {
        // A lost answer would otherwise wait forever: ClientProxy.send has no timeout of its own.
        await firstValueFrom(client.send('fetchLatestNews', data).pipe(timeout(10_000)));
      } catch (err) {
        errors++;
        if (errors === 1) console.error(`first failed request: ${err.message ?? err}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const requests = Number(options.requests);
const concurrency = Number(options.concurrency);
await run(Math.max(1000, Math.floor(requests / 5)), concurrency); // warm-up, discarded
errors = 0;
const cpuBefore = process.cpuUsage();
const start = process.hrtime.bigint();
await run(requests, concurrency);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({
  client: 'Nest ClientProxy',
  requests,
  concurrency,
  seconds: Number(seconds.toFixed(3)),
  requests_per_second: Number((requests / seconds).toFixed(1)),
  client_cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
  errors,
}));
client.close();
process.exit(0);
