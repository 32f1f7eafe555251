// The NestJS stack's HTTP entry, for bench/: GET /fetchLatestNews on @nestjs/platform-express, answered by
// send('fetchLatestNews', query) to a Nest TCP microservice through one ClientProxy — the seed material's
// pattern, which the Java gateway replaces.
//
//   node http-gateway.mjs --port 3100 --upstream-port 3101 [--upstream-host 127.0.0.1]
//
// Plain JavaScript without a compile step: decorators are applied as functions (Reflect.decorate).

import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { Controller, Get, HttpException, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';

const { values: options } = parseArgs({
  options: {
    port: { type: 'string', default: '3100' },
    host: { type: 'string', default: '127.0.0.1' },
    'upstream-host': { type: 'string', default: '127.0.0.1' },
    'upstream-port': { type: 'string' },
  },
});
if (!options['upstream-port']) {
  console.error('http-gateway: --upstream-port (the Nest TCP microservice) is required');
  process.exit(2);
}

const news = ClientProxyFactory.create({
  transport: Transport.TCP,
  options: { host: options['upstream-host'], port: Number(options['upstream-port']) },
});

// The same answer as main-gateway's: {items, next}, asking the node for one item more than the page to
// know whether another page follows, so both stacks do the same work per request.
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

class NewsHttpController {
  async fetchLatestNews(query) {
    const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
    const asked = Math.min(limit + 1, MAX_LIMIT);
    const request = { latestTime: query.latestTime === undefined ? Date.now() : Number(query.latestTime), limit: asked };
    if (query.beforeId !== undefined) request.beforeId = query.beforeId;
    let items;
    try {
      items = await firstValueFrom(news.send('fetchLatestNews', request));
    } catch (err) {
      throw new HttpException({ error: `news-service: ${err?.message ?? err}` }, 502);
    }
    const page = { items: items.slice(0, limit) };
    const more = items.length > limit || (asked === limit && items.length === limit);
    if (more && page.items.length > 0) {
      const last = page.items[page.items.length - 1];
      page.next = { latestTime: last.publishedAt, beforeId: last.id };
    }
    return page;
  }
}
const descriptor = Object.getOwnPropertyDescriptor(NewsHttpController.prototype, 'fetchLatestNews');
Query()(NewsHttpController.prototype, 'fetchLatestNews', 0);
Object.defineProperty(
  NewsHttpController.prototype,
  'fetchLatestNews',
  Reflect.decorate([Get('fetchLatestNews')], NewsHttpController.prototype, 'fetchLatestNews', descriptor) ?? descriptor,
);
Reflect.decorate([Controller()], NewsHttpController);

class GatewayModule {}
Reflect.decorate([Module({ controllers: [NewsHttpController] })], GatewayModule);

const app = await NestFactory.create(GatewayModule, { logger: ['error', 'warn'] });
await news.connect();
await app.listen(Number(options.port), options.host);
console.log(`http-gateway listening on http://${options.host}:${options.port}, upstream ${options['upstream-host']}:${options['upstream-port']}`);

const stop = async () => {
  await app.close();
  await news.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
