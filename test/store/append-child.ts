// A separate process appending to the audit chain: `node --import tsx append-child.ts <options-json> <prefix> <n>`.
import { openStore } from '../../src/store/index.js';

const [optionsJson, prefix, count] = process.argv.slice(2);
const store = await openStore(JSON.parse(optionsJson ?? '{}'));
try {
  for (let i = 0; i < Number(count); i++)
    await store.partners.create({ name: `${prefix}-${i}`, actor: prefix ?? 'child' });
} finally {
  await store.close();
}
