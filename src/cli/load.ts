import { resolve } from 'node:path';
import { checkKinds } from '../checks/index.js';
import { specReferenceProblems } from '../checks/spec-references.js';
import { NOTIFIERS } from '../notify/index.js';
import { loadSpec } from '../openapi/load.js';
import type { ApiSpec } from '../openapi/types.js';
import { loadPlaybook } from '../playbook/load.js';
import type { Playbook } from '../playbook/schema.js';

/** Loads a playbook and the spec it references, and checks the playbook's operations exist in the spec. */
export async function loadPlaybookAndSpec(
  file: string,
  cwd: string,
): Promise<{ playbook: Playbook; spec?: ApiSpec }> {
  let spec: ApiSpec | undefined;
  const playbook = await loadPlaybook(resolve(cwd, file), {
    kinds: checkKinds,
    notifiers: NOTIFIERS,
    verify: async (loaded) => {
      if (!loaded.api) return [];
      const source = /^https?:\/\//i.test(loaded.api.spec)
        ? loaded.api.spec
        : resolve(loaded.baseDir, loaded.api.spec);
      spec = await loadSpec(source);
      return specReferenceProblems(loaded, spec);
    },
  });
  return { playbook, ...(spec && { spec }) };
}
