import { z } from 'zod';

export const timestamp = z.string().meta({ format: 'date-time', description: 'ISO-8601 UTC time.' });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. request.invalid, run.not-found.'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A resource id in a path. */
export const idString = (what: string) =>
  z.string().regex(ID, `expected a ${what} id`).describe(`The ${what}’s id.`);

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page (1–200, default 50).'),
  cursor: z.string().max(512).optional().describe('nextCursor of the previous page.'),
};

/** { items, nextCursor? } */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .optional()
      .describe('Pass as cursor to get the next page; absent on the last one.'),
  });
}
