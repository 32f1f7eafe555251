// A NestJS TCP microservice that joins the mesh as a push-service node: it serves `fetchLatestNews`
// (request) and `fetchNewsTask` (event) from a JSON file of news items, with push-service's paging
// semantics, and registers in Consul under the service name with a TCP check, as the Java nodes do.
//
//   CONSUL_HOST=127.0.0.1 CONSUL_PORT=8500 node news-service.mjs --items items.json --port 3005
//
// Options: --items FILE (a JSON array of news items, required), --port (3000), --host (bind address,
// 0.0.0.0), --advertised-host (the address other servers reach this one by; default the first
// non-loopback IPv4), --service (push-service), --check-interval (5s), --drain (2s), --standalone
// (do not register). SIGTERM or SIGINT: deregister, keep serving for the drain period, stop.
//
// TLS (Nest's `tlsOptions`): --tls-cert FILE and --tls-key FILE (PEM) serve TLS; with --tls-ca FILE
// and --tls-require-client-cert only clients presenting a certificate of that CA get through (mutual
// TLS: requestCert and rejectUnauthorized). A refused handshake is logged with Node's error code.
//
// Plain JavaScript without a compile step: decorators are applied as functions (Reflect.decorate).

import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, RpcException, Transport } from '@nestjs/microservices';
import { ConsulAgent, defaultInstanceId, firstNonLoopbackIPv4 } from './consul-agent.mjs';
import { InvalidNewsQuery, NewsPages, parseNewsQuery } from './news-query.mjs';

const { values: options } = parseArgs({
  options: {
    items: { type: 'string' },
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '0.0.0.0' },
    'advertised-host': { type: 'string' },
    service: { type: 'string', default: 'push-service' },
    'check-interval': { type: 'string', default: '5s' },
    drain: { type: 'string', default: '2s' },
    standalone: { type: 'boolean', default: false },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-ca': { type: 'string' },
    'tls-require-client-cert': { type: 'boolean', default: false },
  },
});
if (!options.items) {
  console.error('news-service: --items FILE (a JSON array of news items) is required');
  process.exit(2);
}
const port = Number(options.port);
const consulUrl = `http://${process.env.CONSUL_HOST ?? 'localhost'}:${process.env.CONSUL_PORT ?? '8500'}`;

/** The items being served; `fetchNewsTask` reads the file again, as a Java node refreshes its feed. */
class NewsStore {
  constructor(file) {
    this.file = file;
    this.pages = new NewsPages([]);
  }

  async load() {
    this.pages = new NewsPages(JSON.parse(await readFile(this.file, 'utf8')));
    return this.pages.items.length;
  }
}

function decorateMethod(cls, name, decorator) {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, name);
  Object.defineProperty(cls.prototype, name, Reflect.decorate([decorator], cls.prototype, name, descriptor) ?? descriptor);
}

function newsModule(store) {
  class NewsController {
    fetchLatestNews(data) {
      let query;
      try {
        query = parseNewsQuery(data, Date.now());
      } catch (err) {
        if (err instanceof InvalidNewsQuery) {
          throw new RpcException(err.message);
        }
        throw err;
      }
      return store.pages.page(query);
    }

    async fetchNewsTask() {
      try {
        console.log(`fetchNewsTask: serving ${await store.load()} items from ${store.file}`);
      } catch (err) {
        console.warn(`fetchNewsTask: cannot read ${store.file}, still serving the previous items: ${err.message}`);
      }
    }
  }
  decorateMethod(NewsController, 'fetchLatestNews', MessagePattern('fetchLatestNews'));
  decorateMethod(NewsController, 'fetchNewsTask', EventPattern('fetchNewsTask'));
  Reflect.decorate([Controller()], NewsController);

  class NewsModule {}
  Reflect.decorate([Module({ controllers: [NewsController] })], NewsModule);
  return NewsModule;
}

/** Nest's `tlsOptions` (Node's tls.createServer options) from --tls-*, or undefined for plain TCP. */
async function tlsOptions() {
  if (!options['tls-cert'] && !options['tls-key']) {
    return undefined;
  }
  if (!options['tls-cert'] || !options['tls-key'] || (options['tls-require-client-cert'] && !options['tls-ca'])) {
    throw new Error('TLS needs --tls-cert and --tls-key, and --tls-ca with --tls-require-client-cert');
  }
  return {
    cert: await readFile(options['tls-cert']),
    key: await readFile(options['tls-key']),
    ...(options['tls-ca'] ? { ca: await readFile(options['tls-ca']) } : {}),
    requestCert: options['tls-require-client-cert'],
    rejectUnauthorized: options['tls-require-client-cert'],
  };
}

function seconds(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (!match) {
    throw new Error(`expected a duration such as 500ms or 2s, got ${text}`);
  }
  return match[2] === 'ms' ? Number(match[1]) : Number(match[1]) * 1000;
}

async function main() {
  const store = new NewsStore(options.items);
  const count = await store.load();
  const tls = await tlsOptions();
  const app = await NestFactory.createMicroservice(newsModule(store), {
    transport: Transport.TCP,
    options: { host: options.host, port, ...(tls ? { tlsOptions: tls } : {}) },
    logger: ['error', 'warn'],
  });
  if (tls) {
    // A socket already destroyed no longer knows its peer's address.
    app.on('tlsClientError', (err, socket) => {
      const peer = socket.remoteAddress ? ` from ${socket.remoteAddress}:${socket.remotePort}` : '';
      console.warn(`TLS connection${peer} refused: ${err.code ?? err.message}`);
    });
  }
  await app.listen();
  const security = !tls ? '' : options['tls-require-client-cert'] ? ' over TLS with client certificates required' : ' over TLS';
  console.log(`news-service listening on ${options.host}:${port}${security}, serving ${count} items from ${options.items}`);

  let registration = null;
  const consul = new ConsulAgent(consulUrl);
  if (!options.standalone) {
    const host = options['advertised-host'] ?? firstNonLoopbackIPv4();
    registration = await consul.registerTcpService({
      id: defaultInstanceId(options.service, host, port),
      service: options.service,
      host,
      port,
      checkInterval: options['check-interval'],
      checkTimeout: '2s',
      deregisterCriticalAfter: '1m',
    });
    console.log(
      `registered ${registration.ID} in Consul at ${consulUrl}: service ${registration.Name} at ` +
        `${host}:${port} with check TCP ${registration.Check.TCP} every ${registration.Check.Interval}`,
    );
  }

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`${signal}: stopping`);
    try {
      if (registration) {
        await consul.deregister(registration.ID);
        console.log(`deregistered ${registration.ID} from Consul`);
        // Callers learn from their blocking queries that the node left; meanwhile it still answers.
        await new Promise((resolve) => setTimeout(resolve, seconds(options.drain)));
      }
    } catch (err) {
      console.warn(`${err.message}; Consul removes the instance after 1m critical`);
    }
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(`news-service failed to start: ${err.message}`);
  process.exit(1);
});
