import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { LimitError } from './errors.js';

type Inflate = (buf: Buffer, options: zlib.ZlibOptions | zlib.BrotliOptions) => Promise<Buffer>;

const gunzip = promisify(zlib.gunzip) as Inflate;
const inflate = promisify(zlib.inflate) as Inflate;
const inflateRaw = promisify(zlib.inflateRaw) as Inflate;
const brotli = promisify(zlib.brotliDecompress) as Inflate;

/** Content codings we ask for and can undo. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * Undoes the content codings of a body (last applied first). zlib's maxOutputLength stops inflating as soon as
 * the output passes the limit, so a zip bomb costs at most `maxBytes` of memory. Unknown codings are left as is.
 */
export async function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  if (contentEncoding === undefined || body.length === 0) return body;
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '' && c !== 'identity');
  let out = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    const options = { maxOutputLength: maxBytes };
    try {
      if (coding === 'gzip' || coding === 'x-gzip') out = await gunzip(out, options);
      else if (coding === 'br') out = await brotli(out, options);
      else if (coding === 'deflate') {
        // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        out = await inflate(out, options).catch((err: unknown) => {
          if (isTooLarge(err)) throw err;
          return inflateRaw(out, options);
        });
      } else return out;
    } catch (err) {
      if (isTooLarge(err)) {
        throw new LimitError(
          'http.decompression-limit',
          `the ${coding}-encoded response body decompresses to more than ${maxBytes} bytes`,
        );
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new LimitError(
        'http.decompression-failed',
        `the ${coding}-encoded response body is corrupt: ${reason}`,
      );
    }
  }
  return out;
}

function isTooLarge(err: unknown): boolean {
  return err instanceof RangeError || (err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}
