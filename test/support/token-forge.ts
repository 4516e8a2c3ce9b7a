import { createHmac, createSign, generateKeyPairSync, JsonWebKey, KeyObject } from 'node:crypto';
import { createServer as createHttpServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer, Socket } from 'node:net';

/**
 * Hand-made JWTs (any header, any payload, any signature, including the ones a well-behaved
 * library refuses to produce) and small local servers standing in for identity providers.
 */

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export type Signer = (signingInput: string) => string;

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, sign: Signer): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${sign(signingInput)}`;
}

export const unsigned: Signer = () => '';

export function hmac(secret: string | Buffer, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): Signer {
  return (input) => createHmac(hash, secret).update(input).digest('base64url');
}

export function rsa(privateKey: KeyObject, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): Signer {
  return (input) => createSign(hash).update(input).sign(privateKey).toString('base64url');
}

export interface RsaKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
  jwk: JsonWebKey;
}

export function rsaKey(kid: string): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  return { kid, privateKey, publicKey, publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), jwk };
}

/** Splits a token into its three parts, decoded where they are JSON. */
export function decodeParts(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: string;
} {
  const [header, payload, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
    signature,
  };
}

export type JwksMode = 'serve' | 'error' | 'garbage' | 'hang';

/**
 * A JWKS endpoint on 127.0.0.1 that counts its requests and can misbehave: answer 500,
 * answer something that is not a key set, or accept the request and never answer.
 */
export class JwksServer {
  readonly requests: string[] = [];
  keys: JsonWebKey[] = [];
  mode: JwksMode = 'serve';
  private readonly hanging = new Set<IncomingMessage>();

  private constructor(
    private readonly server: HttpServer,
    readonly url: string,
  ) {}

  static async start(path = '/.well-known/jwks.json'): Promise<JwksServer> {
    let self: JwksServer | undefined;
    const server = createHttpServer((request, response) => self!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new JwksServer(server, `http://127.0.0.1:${port}${path}`);
    return self;
  }

  private handle(request: IncomingMessage, response: import('node:http').ServerResponse): void {
    this.requests.push(`${request.method} ${request.url}`);
    switch (this.mode) {
      case 'hang':
        this.hanging.add(request);
        return;
      case 'error':
        response.writeHead(500, { 'content-type': 'text/plain' }).end('upstream failure');
        return;
      case 'garbage':
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": "not a key set"');
        return;
      case 'serve':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    }
  }

  async close(): Promise<void> {
    for (const request of this.hanging) request.socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port that accepts TCP connections and never says anything (a hung identity provider). */
export class SilentServer {
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: TcpServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SilentServer> {
    let self: SilentServer | undefined;
    const server = createTcpServer((socket) => {
      self!.sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new SilentServer(server, (server.address() as AddressInfo).port);
    return self;
  }

  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
