// Child process of bench/contract-real-spec.ts: what a client that only sends and reads costs, in a
// process as fresh as a tool's run (its code not yet optimised), then warmed up. No generation, no
// validation, no evidence: GET each path, read the body, JSON.parse it when it is JSON.
// Run: node --import tsx bench/_bare-client.ts <undici|node-http> <origin> <paths-file> <concurrency>
// Prints {"coldMs":…, "warmMs":…}: the first pass over the paths, and the median of three more.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Agent } from 'undici';

type Get = (path: string) => Promise<void>;

function parse(text: string): void {
  if (text.startsWith('{') || text.startsWith('[')) JSON.parse(text);
}

function undiciGet(origin: string): { get: Get; close(): Promise<void> } {
  const agent = new Agent();
  return {
    get: async (path) => {
      const res = await agent.request({ origin, path, method: 'GET' });
      parse(await res.body.text());
    },
    close: () => agent.close(),
  };
}

function nodeHttpGet(origin: string): { get: Get; close(): Promise<void> } {
  const agent = new http.Agent({ keepAlive: true });
  const { hostname, port } = new URL(origin);
  return {
    get: (path) =>
      new Promise((done, fail) => {
        http
          .get({ hostname, port, path, agent }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => {
              parse(text);
              done();
            });
          })
          .on('error', fail);
      }),
    close: async () => agent.destroy(),
  };
}

const [kind, origin = '', pathsFile = '', concurrencyArg = '4'] = process.argv.slice(2);
const paths = readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean);
const client = kind === 'node-http' ? nodeHttpGet(origin) : undiciGet(origin);
const concurrency = Number(concurrencyArg);

async function pass(): Promise<number> {
  let next = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) await client.get(paths[next++]!);
    }),
  );
  return performance.now() - begin;
}

const coldMs = await pass();
const warm = [await pass(), await pass(), await pass()].sort((a, b) => a - b);
await client.close();
console.log(JSON.stringify({ coldMs, warmMs: warm[1] }));
