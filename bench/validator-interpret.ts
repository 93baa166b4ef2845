// Benchmark: the schema interpreter (quick-valid.ts) against compiled ajv validators on GitHub's spec:
// the 200 responses of up to 400 GET operations, each with a generated body. For each side:
//   first pass   every schema met for the first time (a contract run at --max-cases 1 lives here)
//   second pass  the same values again (the interpreter's plans and V8's code are warm)
//   warm         average of 20 more passes (a monitor validating the same operations all day)
// and, for ajv, compiling the validators. Ratios are interpreter / ajv (below 1: the interpreter is faster).
// It is why a schema is interpreted for up to 20 ms before it is compiled (validator.ts).
// Run: node --import tsx bench/validator-interpret.ts
import { loadSpec } from '../src/openapi/index.js';
import type { JsonSchema } from '../src/openapi/types.js';
import type { Validators } from '../src/openapi/validator.js';
import { ensureGithubSpec } from './openapi-github-spec.js';

const file = ensureGithubSpec();

/** Response schemas of a freshly loaded spec (nothing converted or compiled yet) with sample bodies. */
async function cases(): Promise<{
  spec: Awaited<ReturnType<typeof loadSpec>>;
  pairs: [JsonSchema, unknown][];
}> {
  const spec = await loadSpec(file);
  const samples = await loadSpec(file); // bodies drawn on another instance: the measured one starts cold
  const pairs: [JsonSchema, unknown][] = [];
  for (const op of spec.operations.filter((o) => o.method === 'GET').slice(0, 400)) {
    const schema = op.responses.find((r) => r.status === '200')?.content['application/json']?.schema;
    if (schema === undefined) continue;
    const twin = samples.operation(op.id)?.responses.find((r) => r.status === '200');
    const twinSchema = twin?.content['application/json']?.schema;
    if (twinSchema === undefined) continue;
    pairs.push([schema, samples.sample(twinSchema, { seed: 1, direction: 'response' })]);
  }
  return { spec, pairs };
}

/** The spec's validators (private to it: the benchmark reads them to time each side alone). */
const validatorsOf = (spec: object) => (spec as { validators: Validators }).validators;

function pass(pairs: [JsonSchema, unknown][], validate: (s: JsonSchema, v: unknown) => unknown): number {
  const begin = performance.now();
  for (const [schema, value] of pairs) validate(schema, value);
  return performance.now() - begin;
}

function measure(pairs: [JsonSchema, unknown][], validate: (s: JsonSchema, v: unknown) => unknown) {
  const first = pass(pairs, validate);
  const second = pass(pairs, validate);
  let warm = 0;
  for (let i = 0; i < 20; i++) warm += pass(pairs, validate);
  return { first, second, warm: warm / 20 };
}

const interpreted = await cases();
const quick = validatorsOf(interpreted.spec);
const q = measure(interpreted.pairs, (s, v) => {
  if (quick.quickCheck(s, v, 'response') !== true) throw new Error('a generated body was not accepted');
});

const compiledCase = await cases();
const ajv = validatorsOf(compiledCase.spec);
const compileBegin = performance.now();
const fns = new Map(compiledCase.pairs.map(([s]) => [s, ajv.validator(s, 'response')]));
const compileMs = performance.now() - compileBegin;
const a = measure(compiledCase.pairs, (s, v) => {
  if (fns.get(s)?.(v) !== true) throw new Error('a generated body was not accepted');
});

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(`${interpreted.pairs.length} response schemas of GitHub's spec, one generated body each`);
console.log(`interpreter: first pass ${fmt(q.first)}, second ${fmt(q.second)}, warm ${fmt(q.warm)}`);
console.log(
  `ajv:         compile ${fmt(compileMs)} (${(compileMs / fns.size).toFixed(2)} ms a schema), first pass ${fmt(a.first)}, second ${fmt(a.second)}, warm ${fmt(a.warm)}`,
);
console.log(
  `ratio interpreter / ajv: first pass ${(q.first / (a.first + compileMs)).toFixed(2)}x (ajv's compile included), second ${(q.second / a.second).toFixed(2)}x, warm ${(q.warm / a.warm).toFixed(2)}x`,
);
