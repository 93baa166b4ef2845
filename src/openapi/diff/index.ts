/** The breaking-change differ: compare two loaded specs, render the result. */

export { diffSpecs, normalisePath } from './diff.js';
export { type DiffFormat, type FailOn, failsOn, formatDiff, type Paint, summaryLine } from './format.js';
export { RULES, ruleOf } from './rules.js';
export type * from './types.js';
