// A separate process appending run events: `node --import tsx events-child.ts <options-json> <runId> <writer> <n>`.
// Each of the n batches has 3 events naming (writer, batch, i), so the parent can check seqs are contiguous.
import { openStore } from '../../src/store/index.js';

const [optionsJson, runId, writer, count] = process.argv.slice(2);
const store = await openStore(JSON.parse(optionsJson ?? '{}'));
try {
  for (let batch = 0; batch < Number(count); batch++) {
    await store.runs.appendEvents(
      runId ?? '',
      [0, 1, 2].map((i) => ({ type: 'check.progress', data: { writer, batch, i } })),
    );
  }
} finally {
  await store.close();
}
