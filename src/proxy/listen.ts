import type { Server, Socket } from 'node:net';

/** Listens and resolves with the port (useful when asked for port 0). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** A URL for a listening address; IPv6 hosts in brackets. */
export function urlOf(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Closes a connection with a TCP RST (what a crashed peer or a middlebox does), or plainly when that is impossible. */
export function resetSocket(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    // TLS sockets have no TCP handle of their own to reset.
    socket.destroy();
  }
}
