import { z } from 'zod';

/** Scalar formats shared by the playbook's schema files. */

export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(us|µs|ms|s|m|h|d|w)$/, 'expected a duration such as 300ms, 2s, 5m or 90d')
  .describe('A duration: a number followed by ms, s, m, h, d or w, e.g. 300ms, 2s, 90d.');

export const percentSchema = z
  .string()
  .regex(/^\d+(\.\d+)?%$/, 'expected a percentage such as 0.5% or 99.9%')
  .describe('A percentage, e.g. 0.5%.');
