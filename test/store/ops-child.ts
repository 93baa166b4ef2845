// A separate process opening incidents and recording monitor batches:
// `node --import tsx ops-child.ts <options-json> <rounds> <keys> <per-round> <start-ms>`. Each round opens one
// of the dedup keys race-0..race-<keys - 1> and adds <per-round> samples of monitor m in the hour of <start-ms>,
// so the parent can count one incident per key and every sample rolled up.
import { openStore } from '../../src/store/index.js';
import { trigger } from './ops-cases.js';

const [optionsJson, rounds, keys, perRound, start] = process.argv.slice(2).map(String);
const store = await openStore(JSON.parse(optionsJson ?? '{}'));
try {
  for (let i = 0; i < Number(rounds); i++) {
    await store.incidents.open(trigger(`race-${i % Number(keys)}`), { actor: `pid-${process.pid}` });
    await store.monitors.record(
      Array.from({ length: Number(perRound) }, (_, j) => ({
        onboardingId: 'onb_race',
        sample: {
          monitorId: 'm',
          environment: 'production',
          at: Number(start) + j,
          outcome: 'passed' as const,
          durationMs: 10,
          measurements: {},
          findings: [],
        },
      })),
    );
  }
} finally {
  await store.close();
}
