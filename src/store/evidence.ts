import { gunzipSync, gzipSync } from 'node:zlib';
import type { Exchange, Sample } from '../core/result.js';
import { canonicalJson, sha256Hex } from './canonical.js';

/** The evidence of one check result: the recorded exchanges and latency samples. */
export interface Evidence {
  exchanges: Exchange[];
  samples: Sample[];
  /** True when bodies were cut or exchanges/samples dropped to stay within the bound. */
  truncated: boolean;
}

export interface PackedEvidence {
  body: Buffer;
  rawSize: number;
  truncated: boolean;
  /** Hex sha256 of the stored (possibly truncated) canonical JSON. */
  sha: string;
}

export const DEFAULT_MAX_EVIDENCE_BYTES = 1024 * 1024;
const BODY_CAP = 2048;
const MAX_SAMPLES = 5000;

function cutBody(body: string | undefined): { body?: string; cut: boolean } {
  if (body === undefined || body.length <= BODY_CAP) return { body, cut: false };
  return { body: body.slice(0, BODY_CAP), cut: true };
}

function shrinkExchange(e: Exchange): Exchange {
  const req = cutBody(e.request.body);
  const out: Exchange = {
    ...e,
    request: { ...e.request, body: req.body, bodyTruncated: e.request.bodyTruncated || req.cut },
  };
  if (e.response) {
    const res = cutBody(e.response.body);
    out.response = { ...e.response, body: res.body, bodyTruncated: e.response.bodyTruncated || res.cut };
  }
  return out;
}

/** Keeps at most `max` samples, evenly spaced, so a long load test's chart keeps its shape. */
function thin(samples: Sample[], max: number): Sample[] {
  if (samples.length <= max) return samples;
  const step = samples.length / max;
  return Array.from({ length: max }, (_, i) => samples[Math.floor(i * step)]!);
}

/**
 * Bounds evidence to about `maxBytes` of JSON (cutting large bodies, then thinning samples, then dropping the
 * last exchanges) and gzips it. The bound keeps one chatty check from filling the database.
 */
export function packEvidence(
  exchanges: Exchange[],
  samples: Sample[],
  maxBytes = DEFAULT_MAX_EVIDENCE_BYTES,
): PackedEvidence {
  let truncated = false;
  let ex = exchanges;
  let sm = samples;
  let text = canonicalJson({ exchanges: ex, samples: sm });
  if (text.length > maxBytes) {
    ex = ex.map(shrinkExchange);
    sm = thin(sm, MAX_SAMPLES);
    truncated = true;
    text = canonicalJson({ exchanges: ex, samples: sm });
  }
  while (text.length > maxBytes && (ex.length > 0 || sm.length > 0)) {
    // Drop proportionally to the overshoot so this loop runs a handful of times, not once per exchange.
    const keep = Math.floor(ex.length * (maxBytes / text.length) * 0.9);
    if (ex.length > 0) ex = ex.slice(0, Math.min(keep, ex.length - 1));
    else sm = thin(sm, Math.floor(sm.length / 2));
    text = canonicalJson({ exchanges: ex, samples: sm });
  }
  const raw = Buffer.from(text, 'utf8');
  return { body: gzipSync(raw), rawSize: raw.length, truncated, sha: sha256Hex(raw) };
}

/** Reverses packEvidence. */
export function unpackEvidence(body: Uint8Array, truncated: boolean): Evidence {
  const parsed = JSON.parse(gunzipSync(body).toString('utf8')) as {
    exchanges?: Exchange[];
    samples?: Sample[];
  };
  return { exchanges: parsed.exchanges ?? [], samples: parsed.samples ?? [], truncated };
}
