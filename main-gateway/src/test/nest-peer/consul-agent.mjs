// Registration of a Nest TCP microservice with the local Consul agent, over Consul's HTTP API with
// Node's global fetch: what the Java nodes register (consul-client-support: ServiceRegistration,
// ConsulRegistrar), so that callers cannot tell the two apart.

import os from 'node:os';

/** The instance id the Java nodes use: service-host-port, with characters Consul ids and URLs keep. */
export function defaultInstanceId(service, host, port) {
  return `${service}-${host}-${port}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

/**
 * The address to register when none is configured: the first non-loopback IPv4 address of this host,
 * as the Java nodes pick it. Callers on other servers connect to it, so the service must listen there
 * too (host 0.0.0.0 or this address).
 */
export function firstNonLoopbackIPv4() {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) {
        return address.address;
      }
    }
  }
  throw new Error('this host has no non-loopback IPv4 address: pass --advertised-host');
}

export class ConsulAgent {
  /** @param baseUrl the agent's HTTP API, e.g. http://127.0.0.1:8500 */
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * Registers `service` at `host:port` with a TCP check of that address: Consul lists the instance
   * as passing once its port accepts connections, and removes it after it stayed critical for
   * `deregisterCriticalAfter`.
   */
  async registerTcpService({ id, service, host, port, checkInterval, checkTimeout, deregisterCriticalAfter }) {
    const registration = {
      ID: id,
      Name: service,
      Address: host,
      Port: port,
      Check: {
        TCP: `${host.includes(':') ? `[${host}]` : host}:${port}`,
        Interval: checkInterval,
        Timeout: checkTimeout,
        DeregisterCriticalServiceAfter: deregisterCriticalAfter,
      },
    };
    await this.put('/v1/agent/service/register', registration, `register ${id}`);
    return registration;
  }

  async deregister(id) {
    await this.put(`/v1/agent/service/deregister/${encodeURIComponent(id)}`, undefined, `deregister ${id}`);
  }

  async put(path, body, what) {
    let response;
    try {
      response = await fetch(this.baseUrl + path, {
        method: 'PUT',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new Error(
        `cannot ${what} with the Consul agent at ${this.baseUrl}: ${err.cause?.code ?? err.message}` +
          ' (check CONSUL_HOST/CONSUL_PORT and that the agent runs)',
      );
    }
    if (!response.ok) {
      throw new Error(`cannot ${what}: the Consul agent at ${this.baseUrl} answered ${response.status}: ${await response.text()}`);
    }
  }
}
