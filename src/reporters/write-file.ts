import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage, InputError } from '../core/errors.js';

/**
 * Writes a report atomically: a reader (CI artifact upload, a browser refresh) sees the old file or
 * the whole new one, never half a file. Parent directories are created.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    // The path comes from the user (--report html=...), so a path we cannot write is their input.
    throw new InputError('report.unwritable', `cannot write report to ${path}: ${errorMessage(error)}`, [], {
      cause: error,
    });
  }
}
