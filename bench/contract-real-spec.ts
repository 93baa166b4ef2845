// Benchmark: `gangway contract` on GitHub's published spec (13 MB, no hand-written examples) against a
// Prism mock on 127.0.0.1, then Dredd on the same spec and server, in the same script.
//   1. Gangway on the spec as published: operations called, requests, findings by code, requests/s.
//   2. Dredd on the spec as published: what it did (it stops before sending anything).
//   3. For a rate to compare: one variant both tools run, the same GET operations, Dredd's parser's
//      reserved names renamed and an `example` on every required parameter (Dredd needs one);
//      ratio of requests per second, Gangway / Dredd, over each tool's whole run (what a user waits for)
//      and over its request phase alone, beside that reading's ceiling: a client that only sends and
//      parses, started fresh as each tool's run is. Goal: >= 10x.
// Run: node --import tsx bench/contract-real-spec.ts [--dynamic] [--own-mock]
//   --dynamic  Prism generates responses from schemas instead of answering the spec's examples
//   --own-mock serve a mock built from Gangway's own generator instead of Prism (the fallback)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../src/openapi/index.js';
import type { ApiSpec } from '../src/openapi/types.js';
import { type SpecMock, startSpecMock } from '../test/real-spec/spec-mock.js';
import { dreddCompatible, withGeneratedExamples } from './_dredd-compat.js';
import { type DreddRun, type GangwayRun, runDredd, runGangway } from './_peers.js';
import {
  ensureTools,
  freePort,
  type Started,
  start,
  stop,
  stopAll,
  toolBin,
  waitForHttp,
} from './_processes.js';
import { scratchDir } from './_scratch.js';
import { ensureGithubSpec } from './openapi-github-spec.js';

const REPO = join(import.meta.dirname, '..');
const GANGWAY_LIMIT_MS = 300_000;
const DREDD_LIMIT_MS = 300_000;
const dynamic = process.argv.includes('--dynamic');
let ownMock = process.argv.includes('--own-mock');

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const perSecond = (requests: number, ms: number | undefined) =>
  ms === undefined || ms <= 0 ? undefined : requests / (ms / 1000);

/** Operations whose documented responses include a redirect: Gangway's client follows the Location,
 * which in GitHub's examples is a real host, so they are left out to keep every request on 127.0.0.1. */
function redirecting(spec: ApiSpec): string[] {
  return spec.operations
    .filter((op) => op.method === 'GET' && op.responses.some((r) => /^3/.test(r.status)))
    .map((op) => op.id);
}

async function startServer(file: string): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  if (!ownMock) {
    const port = await freePort();
    const args = [
      'mock',
      file,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      ...(dynamic ? ['--dynamic'] : []),
    ];
    const prism: Started = start(toolBin('prism'), args, REPO);
    const url = `http://127.0.0.1:${port}`;
    if (await waitForHttp(`${url}/meta`, prism, 180_000)) {
      return {
        url,
        label: `Prism 5.14.2 mock${dynamic ? ' --dynamic' : ' (static: the spec’s examples)'}`,
        stop: () => stop(prism),
      };
    }
    console.log(`Prism did not start: ${prism.output().slice(-400)}\nfalling back to Gangway's own mock`);
    await stop(prism);
    ownMock = true;
  }
  const mock = await startMockProcess(file);
  return { url: mock.url, label: 'Gangway’s own generator mock (not Prism)', stop: () => mock.stop() };
}

/**
 * Gangway's generator mock, answering from memory: its answers depend only on the operation and the
 * seed, so each sample is drawn once (drawing one per request cost the mock ~0.3 ms of CPU a request,
 * on the same two cores as the tool measured). The answers are the same; the paths it was asked for
 * are kept for the bare-client baseline.
 */
async function startFastMock(spec: ApiSpec, pathsFile: string): Promise<SpecMock> {
  const memo = new WeakMap<object, Map<string, unknown>>();
  const sample = spec.sample.bind(spec);
  const match = spec.match.bind(spec);
  const paths: string[] = [];
  const fast: ApiSpec = Object.create(spec) as ApiSpec;
  Object.assign(fast, {
    sample: (schema: Parameters<ApiSpec['sample']>[0], o: Parameters<ApiSpec['sample']>[1]) => {
      if (typeof schema !== 'object' || schema === null) return sample(schema, o);
      let bySeed = memo.get(schema);
      if (!bySeed) {
        bySeed = new Map();
        memo.set(schema, bySeed);
      }
      const key = `${o.seed} ${o.direction}`;
      if (!bySeed.has(key)) bySeed.set(key, sample(schema, o));
      return bySeed.get(key);
    },
    match: (method: string, path: string) => {
      // Asked by the benchmark for the paths requested so far (the mock then answers 404).
      if (path === PATHS_REQUEST) writeFileSync(pathsFile, paths.join('\n'));
      else if (paths.length < 100_000) paths.push(path);
      return match(method, path);
    },
  });
  return startSpecMock(fast);
}

const PATHS_REQUEST = '/__gangway-bench/paths';

/** Child process mode: serves the fast mock of a spec until ended (see startMockProcess). */
async function serveFastMock(specFile: string, pathsFile: string): Promise<void> {
  const mock = await startFastMock(await loadSpec(specFile), pathsFile);
  console.log(`listening ${mock.url}`);
}

/**
 * The fast mock in a child process of its own: not in this script's process (which holds the
 * parsed 13 MB spec and its variants, and collects their garbage) nor in the tool's. `paths()`
 * returns the paths it was asked for so far, in order.
 */
async function startMockProcess(
  specFile: string,
): Promise<{ url: string; stop(): Promise<void>; paths(): Promise<string[]> }> {
  const pathsFile = join(scratchDir(), 'paths.txt');
  const child = start(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--serve-mock', specFile, pathsFile],
    REPO,
  );
  const deadline = Date.now() + 120_000;
  let url: string | undefined;
  while (url === undefined && Date.now() < deadline && child.child.exitCode === null) {
    url = child.output().match(/listening (http:\S+)/)?.[1];
    if (url === undefined) await new Promise((done) => setTimeout(done, 100));
  }
  if (url === undefined) {
    await stop(child);
    throw new Error(`the mock did not start: ${child.output().slice(-400)}`);
  }
  const origin = url;
  return {
    url: origin,
    stop: () => stop(child),
    paths: async () => {
      await (await fetch(`${origin}${PATHS_REQUEST}`)).arrayBuffer();
      return readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean);
    },
  };
}

interface BareRates {
  /** Requests per second of the first pass in a fresh process, as a tool's run starts; median of three processes. */
  cold: number;
  /** Requests per second once warm (median of three more passes in each process; median over the processes). */
  warm: number;
}

/**
 * What a client that only sends and reads costs (no generation, validation or evidence), on the same
 * paths and server, four requests at a time: undici (Gangway's HTTP library) and node:http, each in
 * three fresh processes (bench/_bare-client.ts). The cold rate is the ceiling of any tool's request
 * phase in a run of its own on this machine.
 */
function bareClients(url: string, paths: readonly string[]): Record<'undici' | 'node-http', BareRates> {
  const file = join(scratchDir(), 'paths.txt');
  writeFileSync(file, paths.join('\n'));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const measure = (kind: 'undici' | 'node-http'): BareRates => {
    const runs = [0, 1, 2].map(() => {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, '_bare-client.ts'), kind, url, file, '4'],
        { cwd: REPO, encoding: 'utf8' },
      );
      return JSON.parse(out) as { coldMs: number; warmMs: number };
    });
    return {
      cold: paths.length / (median(runs.map((r) => r.coldMs)) / 1000),
      warm: paths.length / (median(runs.map((r) => r.warmMs)) / 1000),
    };
  };
  return { undici: measure('undici'), 'node-http': measure('node-http') };
}

function printGangway(title: string, run: GangwayRun): void {
  const rate = perSecond(run.requests, run.checkMs);
  console.log(`\n${title}`);
  if (run.error) console.log(`  error: ${run.error}`);
  console.log(
    `  exit ${run.exitCode}${run.timedOut ? ' (time limit)' : ''}; ${run.operationsCalled}/${run.operationsSelected} operations called, ${run.requests} requests`,
  );
  console.log(
    `  check ${fmt(run.checkMs)} ms -> ${rate === undefined ? '-' : fmt(rate, 1)} req/s; process wall ${fmt(run.wallMs)} ms (spec loading included) -> ${fmt(perSecond(run.requests, run.wallMs) ?? 0, 1)} req/s`,
  );
  const findings = [...run.findings].sort((a, b) => b[1] - a[1]);
  console.log(`  findings: ${findings.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
}

function printDredd(title: string, run: DreddRun): void {
  console.log(`\n${title}`);
  console.log(
    `  exit ${run.exitCode}${run.timedOut ? ' (time limit)' : ''}; wall ${fmt(run.wallMs)} ms; ${run.requests} requests; ${run.passing} passing, ${run.failing} failing, ${run.errors} errors, ${run.skipped} skipped`,
  );
  if (run.testsMs !== undefined) {
    console.log(
      `  tests ${fmt(run.testsMs)} ms -> ${fmt(perSecond(run.requests, run.testsMs) ?? 0, 1)} req/s`,
    );
  }
  if (run.missingExamples > 0) {
    console.log(
      `  refused ${run.missingExamples} transactions: required URI parameter without example (${run.missingParameters.size} distinct: ${[...run.missingParameters].slice(0, 8).join(', ')}...)`,
    );
  }
  if (run.stoppedBy) console.log(`  stopped before testing: ${run.stoppedBy}`);
}

async function main(): Promise<void> {
  const file = ensureGithubSpec();
  for (const note of ensureTools()) {
    console.log(`tools: ${note}; using Gangway's own mock, no Dredd`);
    ownMock = true;
  }
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'inherit' });
  const spec = await loadSpec(file);
  const gets = spec.operations.filter((op) => op.method === 'GET');
  const excluded = redirecting(spec);
  console.log(
    `GitHub spec ${spec.apiVersion}: ${spec.operations.length} operations, ${gets.length} GET; ${excluded.length} GET left out (documented redirects)`,
  );
  const server = await startServer(file);
  console.log(`server: ${server.label} at ${server.url}`);
  try {
    const asPublished = await runGangway(REPO, file, server.url, excluded, GANGWAY_LIMIT_MS);
    printGangway('Gangway on the spec as published (--safe --max-cases 1)', asPublished);
    if (ownMock && !process.argv.includes('--own-mock')) return; // no Dredd installed

    const dreddAsPublished = await runDredd(REPO, file, server.url, DREDD_LIMIT_MS);
    printDredd('Dredd 14.1.0 on the spec as published (--method GET)', dreddAsPublished);

    // The variant: same GET operations as Gangway ran, what Dredd's parser needs, examples filled.
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const keep = new Set(gets.filter((op) => !excluded.includes(op.id)).map((op) => op.key));
    const filled = withGeneratedExamples(raw, spec, keep);
    const variant = dreddCompatible(JSON.stringify(raw, null, 2));
    const dreddCompatibleWithoutExamples = dreddCompatible(readFileSync(file, 'utf8'));
    const dir = scratchDir();
    const variantFile = join(dir, 'github-dredd-variant.json');
    writeFileSync(variantFile, JSON.stringify(variant.document));
    const renamedFile = join(dir, 'github-dredd-renamed.json');
    writeFileSync(renamedFile, JSON.stringify(dreddCompatibleWithoutExamples.document));
    console.log(`\nvariants for Dredd: ${variant.notes.join('; ')}`);

    const dreddRenamed = await runDredd(REPO, renamedFile, server.url, DREDD_LIMIT_MS);
    printDredd('Dredd on the spec with only those renames (no examples added)', dreddRenamed);

    console.log(
      `\nSame variant for both (${keep.size} GET operations, ${filled} required parameters given an example):`,
    );
    const pairs = [{ server: server.label, ...(await comparePair(variantFile, server.url)) }];
    let bare: ReturnType<typeof bareClients> | undefined;
    if (!ownMock) {
      // Prism's own latency bounds both tools; a fast server shows what each tool costs per request.
      const mock = await startMockProcess(file);
      try {
        console.log(
          `\nThe same variant against Gangway’s own generator mock at ${mock.url} (a fast server, answers drawn once):`,
        );
        pairs.push({ server: 'Gangway’s own generator mock', ...(await comparePair(variantFile, mock.url)) });
        // The first (warm-up) Gangway run's paths: one request per operation, as Gangway sent them.
        const sent = (await mock.paths()).slice(0, pairs.at(-1)?.gangway.requests ?? 0);
        bare = bareClients(mock.url, sent);
        console.log(
          `\nbare clients on the same ${sent.length} paths, four at a time (fresh process: first pass / warm):`,
        );
        for (const [kind, rates] of Object.entries(bare)) {
          console.log(`  ${kind}: ${fmt(rates.cold, 1)} / ${fmt(rates.warm, 1)} req/s`);
        }
      } finally {
        await mock.stop();
      }
    }
    summary(asPublished, dreddAsPublished, dreddRenamed, pairs, bare);
  } finally {
    await server.stop();
    await stopAll();
  }
}

async function comparePair(
  file: string,
  url: string,
): Promise<{ gangway: GangwayRun; gangwayDefault: GangwayRun; dredd: DreddRun }> {
  // A mock answers an operation's first requests slowly (it builds that response's sampler or
  // validator, its code is not optimised yet): two unmeasured passes over the same operations first,
  // so neither tool pays the server's warm-up (the tool measured first used to).
  const warmUps: number[] = [];
  for (let i = 0; i < 2; i++) warmUps.push((await runGangway(REPO, file, url, [], GANGWAY_LIMIT_MS)).checkMs);
  console.log(
    `\n(server warm-up: two unmeasured Gangway passes, ${warmUps.map((ms) => fmt(ms)).join(', ')} ms)`,
  );
  // A Gangway run lasts about a second, so a moment of other work on the machine moves it a lot:
  // three runs, the median one reported (Dredd's run lasts long enough to average that out).
  const runs: GangwayRun[] = [];
  for (let i = 0; i < 3; i++) runs.push(await runGangway(REPO, file, url, [], GANGWAY_LIMIT_MS));
  runs.sort((a, b) => a.checkMs - b.checkMs);
  const gangway = runs[1]!;
  printGangway(
    `Gangway on the variant (median of 3 runs; checks ${runs.map((r) => fmt(r.checkMs)).join(', ')} ms)`,
    gangway,
  );
  // The command's default, --max-cases 2 (one case from examples, one property-based): about as many
  // requests per operation as Dredd's one per documented response.
  const defaults: GangwayRun[] = [];
  for (let i = 0; i < 3; i++) defaults.push(await runGangway(REPO, file, url, [], GANGWAY_LIMIT_MS, 2));
  defaults.sort((a, b) => a.checkMs - b.checkMs);
  const gangwayDefault = defaults[1]!;
  printGangway(
    `Gangway on the variant at its default --max-cases 2 (median of 3 runs; checks ${defaults.map((r) => fmt(r.checkMs)).join(', ')} ms)`,
    gangwayDefault,
  );
  const dredd = await runDredd(REPO, file, url, DREDD_LIMIT_MS);
  printDredd('Dredd on the variant', dredd);
  return { gangway, gangwayDefault, dredd };
}

function summary(
  asPublished: GangwayRun,
  dreddAsPublished: DreddRun,
  dreddRenamed: DreddRun,
  pairs: { server: string; gangway: GangwayRun; gangwayDefault: GangwayRun; dredd: DreddRun }[],
  bare: ReturnType<typeof bareClients> | undefined,
): void {
  console.log('\n=== Summary');
  console.log(
    `spec as published: Gangway ${asPublished.requests} requests on ${asPublished.operationsCalled} operations; Dredd ${dreddAsPublished.requests} requests (${dreddAsPublished.stoppedBy ?? 'ran'})`,
  );
  console.log(
    `reserved names renamed: Dredd ${dreddRenamed.requests} requests, ${dreddRenamed.missingExamples} transactions refused for want of an example`,
  );
  for (const { server, gangway, gangwayDefault, dredd } of pairs) {
    if (dredd.requests === 0) {
      console.log(`variant on ${server}: Dredd sent no request, no ratio`);
      continue;
    }
    const d = perSecond(dredd.requests, dredd.testsMs ?? dredd.wallMs) ?? 0;
    const dWall = perSecond(dredd.requests, dredd.wallMs) ?? 0;
    for (const [label, run] of [
      ['--max-cases 1', gangway],
      ['--max-cases 2 (default)', gangwayDefault],
    ] as const) {
      const g = perSecond(run.requests, run.checkMs) ?? 0;
      const gWall = perSecond(run.requests, run.wallMs) ?? 0;
      console.log(
        `variant on ${server}, Gangway ${label}: request phase Gangway ${fmt(g, 1)} req/s (${run.requests} requests) vs Dredd ${fmt(d, 1)} req/s (${dredd.requests}) -> ${fmt(g / d, 2)}x; whole process Gangway ${fmt(gWall, 1)} vs Dredd ${fmt(dWall, 1)} req/s -> ${fmt(gWall / dWall, 2)}x`,
      );
    }
    if (bare && server === pairs.at(-1)?.server) {
      // The same paths sent by a client doing nothing else, started fresh as each tool's run is.
      console.log(
        `variant on ${server}, ceiling of the request-phase reading: a fresh process that only sends and parses, undici ${fmt(bare.undici.cold, 1)} req/s -> ${fmt(bare.undici.cold / d, 2)}x Dredd, node:http ${fmt(bare['node-http'].cold, 1)} req/s -> ${fmt(bare['node-http'].cold / d, 2)}x`,
      );
    }
  }
}

if (process.argv[2] === '--serve-mock') {
  await serveFastMock(process.argv[3] ?? '', process.argv[4] ?? '');
} else {
  process.on('SIGINT', () => {
    void stopAll().then(() => process.exit(130));
  });
  await main().catch(async (error: unknown) => {
    await stopAll();
    console.error(error);
    process.exitCode = 1;
  });
}
