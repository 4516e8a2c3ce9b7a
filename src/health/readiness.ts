import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * Whether this instance still wants new traffic. On SIGTERM it starts draining: /health/ready
 * answers 503 so the load balancer takes it out of rotation, while requests keep being
 * served, each answered with `Connection: close` so that clients and the balancer open
 * their next connection to another instance. Then the server stops accepting (main.ts).
 */
@Injectable()
export class Readiness implements OnModuleInit {
  private isDraining = false;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  get draining(): boolean {
    return this.isDraining;
  }

  startDraining(): void {
    this.isDraining = true;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    // No HTTP server in a worker process.
    if (!fastify) return;
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (this.draining) void reply.header('connection', 'close');
      done(null, payload);
    });
  }
}
