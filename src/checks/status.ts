/** True when a status matches an expectation: a code, a list of codes, or a class such as "2xx". */
export function statusMatches(
  status: number,
  expected: number | string | readonly number[] | undefined,
): boolean {
  if (expected === undefined) return status >= 200 && status < 300;
  if (typeof expected === 'number') return status === expected;
  if (typeof expected === 'string') return Math.floor(status / 100) === Number(expected[0]);
  return expected.includes(status);
}

export function describeStatus(expected: number | string | readonly number[] | undefined): string {
  if (expected === undefined) return '2xx';
  if (Array.isArray(expected)) return expected.join(' or ');
  return String(expected);
}
