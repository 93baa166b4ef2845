import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from './types.js';

const POLL_MS = 200;
const KEEPALIVE_MS = 15_000;
const FINAL = new Set(['passed', 'failed', 'errored', 'interrupted']);

/**
 * Streams a run's stored events as server-sent events. Workers write events to the database, so any API
 * server can stream any run: it polls for events after the last one sent, and ends once the run is
 * final and every event went out. Last-Event-ID resumes after a reconnect.
 */
export async function streamRunEvents(
  ctx: ServiceContext,
  runId: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const resume = Number(request.headers['last-event-id']);
  let after = Number.isInteger(resume) && resume > 0 ? resume : 0;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  request.raw.on('close', () => {
    closed = true;
  });
  let lastWrite = Date.now();
  const write = (text: string) => {
    lastWrite = Date.now();
    raw.write(text);
  };
  write(': stream of run events\n\n');
  try {
    while (!closed) {
      // Read the status before the events: a run that is final now has written all its events.
      const run = await ctx.store.runs.get(runId);
      const events = await ctx.store.runs.events(runId, { afterSeq: after, limit: 500 });
      for (const event of events) {
        write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
        after = event.seq;
      }
      if (events.length === 500) continue;
      if (!run || FINAL.has(run.status)) {
        write(`event: end\ndata: ${JSON.stringify({ status: run?.status ?? 'unknown' })}\n\n`);
        break;
      }
      if (Date.now() - lastWrite > KEEPALIVE_MS) write(': keep-alive\n\n');
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    request.log.error({ err: error }, 'run event stream failed');
    if (!closed)
      write(`event: error\ndata: ${JSON.stringify({ message: 'the stream failed; reconnect' })}\n\n`);
  } finally {
    raw.end();
  }
}
