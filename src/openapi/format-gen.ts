import type { Rng } from './prng.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const hex = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'kilo', 'lima', 'nova', 'oscar', 'sierra', 'tango'];

export function word(rng: Rng): string {
  return `${rng.pick(WORDS)}${rng.int(1, 999)}`;
}

/** A value for a string format, or undefined for formats we do not know (plain strings then). */
export function stringForFormat(format: string, rng: Rng): string | undefined {
  const date = () => `${rng.int(2000, 2030)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
  const time = () => `${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}`;
  switch (format) {
    case 'date-time':
      return `${date()}T${time()}Z`;
    case 'date':
      return date();
    case 'time':
      return `${time()}Z`;
    case 'duration':
      return `P${rng.int(1, 30)}DT${rng.int(1, 23)}H`;
    case 'email':
    case 'idn-email':
      return `${word(rng)}@example.com`;
    case 'uuid':
      return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(rng, 3)}-${hex(rng, 12)}`;
    case 'uri':
    case 'url':
    case 'iri':
      return `https://example.com/${word(rng)}`;
    case 'uri-reference':
    case 'iri-reference':
      return `/${word(rng)}/${rng.int(1, 99)}`;
    case 'uri-template':
      return `https://example.com/${word(rng)}/{id}`;
    case 'hostname':
    case 'idn-hostname':
      return `${word(rng)}.example.com`;
    case 'ipv4':
      return `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    case 'ipv6':
      return `2001:db8:${hex(rng, 4)}::${hex(rng, 4)}`;
    case 'byte':
      return Buffer.from(word(rng)).toString('base64');
    case 'binary':
    case 'password':
      return word(rng);
    case 'regex':
      return '^[a-z]+$';
    case 'json-pointer':
      return `/${word(rng)}/${rng.int(0, 9)}`;
    case 'relative-json-pointer':
      return `${rng.int(0, 3)}/${word(rng)}`;
    default:
      return undefined;
  }
}
