import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { Metrics } from './metrics.service';

/** The route label of a request no route matched (its URL would make a new series per probe). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; the API answers in 1-50 ms, so most of the resolution sits there. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * `iam_http_requests_total` and `iam_http_request_duration_seconds` by method, route
 * template and status, recorded by a Fastify onResponse hook on every answer (404s of
 * unknown paths as `route="unmatched"`), with Fastify's own timing (`reply.elapsedTime`).
 *
 * Label objects are passed per request on purpose: in prom-client 15 a labelled child
 * (`histogram.labels(...)`) validates and hashes its labels again on every update, so a Map
 * of children only adds the key and the lookup. Measured on this machine (2 million
 * updates of both metrics): about 0.93 µs a request with label objects, 1.15 µs with
 * cached children.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(
    metrics: Metrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.requests = new Counter({
      name: 'iam_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'iam_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to the last byte of its answer, by method, route template and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: DURATION_BUCKETS,
      registers: [metrics.registry],
    });
  }

  /** Adds the hook to the API's Fastify instance (none in a process without HTTP, such as `npm run worker`). */
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getInstance(): FastifyInstance } | undefined;
    if (!adapter) return;
    adapter.getInstance().addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      this.record(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  record(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
