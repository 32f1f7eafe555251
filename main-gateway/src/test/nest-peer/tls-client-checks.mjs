// Calls a node that requires client certificates (mutual TLS) from real Nest ClientProxy instances with
// `tlsOptions`, and writes what each Nest caller received to a JSON report; main-gateway's NestTlsPeerIT
// judges it.
//
//   node tls-client-checks.mjs --node 127.0.0.1:3001 --ca ca.crt --cert client.crt --key client.key \
//       --stranger-cert stranger.crt --stranger-key stranger.key --report report.json
//
// Three callers send the same `fetchLatestNews`, each on a fresh client: one without a client certificate,
// one with a certificate of another CA (the stranger), and, last, one with a client certificate of the
// node's CA. All three trust --ca for the node's own certificate. Before its request each caller emits an event
// that no handler serves, `nest-tls-probe-<caller>`: a node logs such an event when it reads it, so the
// node's log shows which connections got as far as its handlers. What a socket reported (a TLS alert, a
// reset) is recorded beside what the caller got, as the Nest client only logs it.

import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, timeout, toArray } from 'rxjs';

const CALL_TIMEOUT_MS = 15_000;
const LIMIT = 5;

const { values: options } = parseArgs({
  options: {
    node: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'stranger-cert': { type: 'string' },
    'stranger-key': { type: 'string' },
    report: { type: 'string' },
  },
});
for (const required of ['node', 'ca', 'cert', 'key', 'stranger-cert', 'stranger-key', 'report']) {
  if (!options[required]) {
    console.error(`tls-client-checks: --${required} is required`);
    process.exit(2);
  }
}

function client(hostPort, tlsOptions) {
  const at = hostPort.lastIndexOf(':');
  return ClientProxyFactory.create({
    transport: Transport.TCP,
    options: { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)), tlsOptions },
  });
}

/** What a Nest caller got: the error exactly as the client surfaced it. */
function surfaced(err) {
  return err instanceof Error ? { errorClass: err.constructor.name, message: err.message } : err;
}

/**
 * On a new client, the probe event and then one send: the values or the error the caller got, how long
 * the send took, and what the client's socket reported.
 */
async function callOnce(caller, tlsOptions, data) {
  const proxy = client(options.node, tlsOptions);
  const result = { probe: `nest-tls-probe-${caller}`, socketErrors: [] };
  proxy.on('error', (err) => result.socketErrors.push(err?.code ?? String(err?.message ?? err)));
  try {
    try {
      await lastValueFrom(proxy.emit(result.probe, {}).pipe(toArray(), timeout(CALL_TIMEOUT_MS)));
    } catch (err) {
      result.emitError = surfaced(err);
    }
    const started = process.hrtime.bigint();
    try {
      result.values = await firstValueFrom(proxy.send('fetchLatestNews', data).pipe(toArray(), timeout(CALL_TIMEOUT_MS)));
    } catch (err) {
      result.error = surfaced(err);
    }
    result.elapsedMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    return result;
  } finally {
    proxy.close();
  }
}

async function main() {
  const ca = readFileSync(options.ca);
  const query = { latestTime: Date.now(), limit: LIMIT };
  const report = { query };
  report.withoutCertificate = await callOnce('withoutCertificate', { ca }, query);
  report.otherAuthority = await callOnce(
    'otherAuthority',
    { ca, cert: readFileSync(options['stranger-cert']), key: readFileSync(options['stranger-key']) },
    query,
  );
  // Last: by the time the node logs this caller's probe, it has read whatever reached it on the others.
  report.trusted = await callOnce('trusted', { ca, cert: readFileSync(options.cert), key: readFileSync(options.key) }, query);
  await writeFile(options.report, JSON.stringify(report, null, 2) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
