import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { specPath } from '../package-files.ts';

export const RulingScoreSchema = z.string().regex(/^(strict|accept-either|warning|not-tested)\b/);

export const RulingSchema = z.strictObject({
  id: z.string().regex(/^RUL-[A-Z0-9-]+$/),
  title: z.string().min(1),
  sections: z.array(z.string().regex(/^\d+(\.\d+)*$/)).min(1),
  conflict: z.string().min(1),
  ruling: z.string().min(1),
  scoring: z.array(z.strictObject({ observe: z.string().min(1), score: RulingScoreSchema })).min(1),
});
export type Ruling = z.infer<typeof RulingSchema>;

const DEFAULT_FILE = specPath('rulings.yaml');

/** Loads and validates spec/rulings.yaml; ids must be unique. */
export function loadRulings(file: string = DEFAULT_FILE): Ruling[] {
  const rulings = z.array(RulingSchema).parse(parse(readFileSync(file, 'utf8')));
  const seen = new Set<string>();
  for (const ruling of rulings) {
    if (seen.has(ruling.id)) throw new Error(`${file}: duplicate ruling id ${ruling.id}`);
    seen.add(ruling.id);
  }
  return rulings;
}
