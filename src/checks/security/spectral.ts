// Spectral and the OWASP ruleset, imported by runOwaspRuleset only when it runs (see static.ts):
// loading them costs ~100 ms, which commands that never lint should not pay.
import spectralCore from '@stoplight/spectral-core';
import owaspModule from '@stoplight/spectral-owasp-ruleset';
import Parsers from '@stoplight/spectral-parsers';

export { Parsers, spectralCore };

// The ruleset ships as CommonJS compiled from ESM: its value sits on `default` when imported from ESM.
export const owasp = (owaspModule as unknown as { default?: typeof owaspModule }).default ?? owaspModule;
