import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

/** A server on 127.0.0.1 with a random port; `close` also drops kept-alive connections. */
export interface TestServer {
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server, scheme: 'http' | 'https'): Promise<TestServer> {
  let connections = 0;
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts an HTTP server. */
export function serve(handler: http.RequestListener): Promise<TestServer> {
  return listen(http.createServer(handler), 'http');
}

/** Starts an HTTPS server. */
export function serveTls(options: https.ServerOptions, handler: http.RequestListener): Promise<TestServer> {
  return listen(https.createServer(options, handler), 'https');
}

/** Sends a JSON body. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads a request body as text. */
export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A self-signed certificate for 127.0.0.1 plus a client certificate signed by the same key. */
export async function certificates(): Promise<{
  key: string;
  cert: string;
  clientKey: string;
  clientCert: string;
}> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
    clientCertificate: { cn: 'gangway-test-client', keyType: 'ec' },
  });
  return { key: pems.private, cert: pems.cert, clientKey: pems.clientprivate!, clientCert: pems.clientcert! };
}
