import type { HttpResponse } from '../../http/types.js';
import { createdId } from '../contract/listing.js';

/** What a create answered, reduced to what replays are compared on. */
export interface Answer {
  status: number;
  /** The created resource's id (`id` of the JSON body), when there is one. */
  id?: string | number;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: unknown;
  res: HttpResponse;
}

/** Reads a response into an Answer. */
export function answerOf(res: HttpResponse): Answer {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    body = res.text();
  }
  const id = res.status >= 200 && res.status < 300 ? createdId(body) : undefined;
  return { status: res.status, ...(id !== undefined && { id }), body, res };
}

export const isSuccess = (a: Answer): boolean => a.status >= 200 && a.status < 300;

/** The JSON pointer of the first difference between two values, or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, pointer = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return pointer || '/';
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${pointer}/${i}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) {
      const d = firstDifference(a[key], b[key], `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return pointer || '/';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Ids of the successful answers, distinct, in order of first appearance. */
export function distinctIds(answers: readonly Answer[]): (string | number)[] {
  const ids: (string | number)[] = [];
  for (const a of answers) if (a.id !== undefined && !ids.includes(a.id)) ids.push(a.id);
  return ids;
}
