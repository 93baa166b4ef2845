import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One notification a `--notify capture` drill kept: which notifier, when, and the webhook payload. */
export interface CapturedDelivery {
  notifier: string;
  at: number;
  deliveryKey: string;
  event: string;
  level?: number;
  text: string;
}

/** A local receiver standing in for every notifier: deliveries are recorded, sent nowhere. */
export interface CaptureReceiver {
  url: string;
  deliveries: CapturedDelivery[];
  close(): Promise<void>;
}

/** Starts the capture receiver on 127.0.0.1 (port 0): notifier `<name>` posts to `<url>/<name>`. */
export async function startCapture(): Promise<CaptureReceiver> {
  const deliveries: CapturedDelivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        // Not a webhook body: recorded with what the headers tell.
      }
      deliveries.push({
        notifier: decodeURIComponent((req.url ?? '/').slice(1)),
        at,
        deliveryKey: String(body.deliveryKey ?? req.headers['gangway-delivery'] ?? ''),
        event: String(body.event ?? ''),
        ...(typeof body.level === 'number' && { level: body.level }),
        text: String(body.text ?? ''),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
