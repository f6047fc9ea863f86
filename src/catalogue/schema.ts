import { z } from 'zod';

export const REQUIREMENT_LEVELS = ['MUST', 'MUST NOT', 'SHOULD', 'SHOULD NOT', 'MAY'] as const;
export const REQUIREMENT_ROLES = ['server', 'client', 'directory', 'resource-server'] as const;
export const REQUIREMENT_KINDS = ['statement', 'table-row', 'step'] as const;

/**
 * Who can see whether a requirement is met:
 * - `black-box-server`: a harness speaking the protocol over HTTP to the implementation under test
 *   (reaching a baseline active agent may use the control API; the behaviour itself needs none);
 * - `black-box-client`: a harness playing the server, watching what a client sends;
 * - `driven-client`: a harness playing the server that also drives the client's agent-facing tools
 *   (MCP, command or in-process adapter) sees it: a tool's input handling, result or surfaced output;
 * - `operator`: the behaviour is triggered or observed through the operator control API
 *   (deny, link/unlink host, clocks, out-of-band revocation, user deletion, capability removal);
 * - `untestable`: internal to the implementation (storage, logging, UI); `note` says why.
 */
export const OBSERVABILITIES = [
  'black-box-server',
  'black-box-client',
  'driven-client',
  'operator',
  'untestable',
] as const;

/** Table names usable in `table-row` ids: `AAP-<section>-<TABLE>.<key>`. */
export const TABLE_NAMES = [
  'FIELD',
  'RESP',
  'CLAIM',
  'HDR',
  'ERR',
  'OP',
  'APPROVAL',
  'SHAPE',
  'EVENT',
  'PARAM',
  'STATE',
] as const;

export const REQUIREMENT_ID_PATTERN = /^AAP-(\d+(?:\.\d+)*)-([A-Za-z0-9_.-]+)$/;

const SUFFIX_PATTERN_BY_KIND: Record<RequirementKind, RegExp> = {
  statement: /^\d{2,}$/,
  step: /^STEP\d+$/,
  'table-row': new RegExp(`^(?:${TABLE_NAMES.join('|')})\\.[A-Za-z0-9_.-]+$`),
};

const SUFFIX_SHAPE_BY_KIND: Record<RequirementKind, string> = {
  statement: 'a two-digit running number such as 03',
  step: 'STEP<n>',
  'table-row': `<TABLE>.<key> with TABLE one of ${TABLE_NAMES.join(', ')}`,
};

const nonBlank = z.string().trim().min(1);

export const requirementSchema = z
  .strictObject({
    id: z.string().regex(REQUIREMENT_ID_PATTERN, 'id must look like AAP-<section>-<suffix>'),
    section: z.string().regex(/^\d+(?:\.\d+)*$/, 'section must be dotted numbers such as "4.5.1"'),
    level: z.enum(REQUIREMENT_LEVELS),
    role: z.enum(REQUIREMENT_ROLES),
    kind: z.enum(REQUIREMENT_KINDS),
    summary: nonBlank,
    observable: z.enum(OBSERVABILITIES),
    note: nonBlank.optional(),
    rulings: z.array(nonBlank).min(1).optional(),
  })
  .superRefine((entry, ctx) => {
    const match = REQUIREMENT_ID_PATTERN.exec(entry.id);
    if (match) {
      const [, idSection, suffix] = match;
      if (idSection !== entry.section) {
        ctx.addIssue({
          code: 'custom',
          path: ['id'],
          message: `id section "${idSection}" differs from section "${entry.section}"`,
        });
      }
      if (suffix !== undefined && !SUFFIX_PATTERN_BY_KIND[entry.kind].test(suffix)) {
        ctx.addIssue({
          code: 'custom',
          path: ['id'],
          message: `a ${entry.kind} id ends in ${SUFFIX_SHAPE_BY_KIND[entry.kind]}, got "${suffix}"`,
        });
      }
    }
    if (entry.observable === 'untestable' && entry.note === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'an untestable requirement needs a note saying why',
      });
    }
  });

export const catalogueFileSchema = z.array(requirementSchema);

export type RequirementLevel = (typeof REQUIREMENT_LEVELS)[number];
export type RequirementRole = (typeof REQUIREMENT_ROLES)[number];
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];
export type Observability = (typeof OBSERVABILITIES)[number];
export type TableName = (typeof TABLE_NAMES)[number];
export type Requirement = z.infer<typeof requirementSchema>;
export type CatalogueFile = z.infer<typeof catalogueFileSchema>;
