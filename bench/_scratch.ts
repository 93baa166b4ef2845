// Temporary directories of the benchmarks: made under the system's tmp, removed when the script exits
// (however it exits: normally, after an error, or on SIGINT through process.exit).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let hooked = false;

/** A fresh directory named `gangway-bench-<prefix>…`, removed at the process's exit. */
export function scratchDir(prefix = ''): string {
  const dir = mkdtempSync(join(tmpdir(), `gangway-bench-${prefix}`));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const path of made) rmSync(path, { recursive: true, force: true });
    });
  }
  return dir;
}
