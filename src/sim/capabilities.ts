import { z } from 'zod';
import type { Capability, CapabilitySummary, Constraints } from '../protocol/index.ts';

/** How a capability answers execution (§2.15). */
export type InteractionMode = 'sync' | 'async' | 'stream';

export interface CapabilityDefinition {
  readonly name: string;
  readonly description: string;
  /** Listed to unauthenticated callers (§5.2). */
  readonly public: boolean;
  /** Never auto-approved, whatever the host defaults say. */
  readonly highRisk: boolean;
  readonly mode: InteractionMode;
  readonly input: z.ZodType<Record<string, unknown>>;
  readonly output: z.ZodType;
  /** Constraints the server imposes on every grant of this capability (§2.13 "server-imposed"). */
  readonly policyConstraints?: Constraints;
  /** The result of a sync execution, the completed async result, or the stream's data chunks. */
  run(args: Record<string, unknown>): unknown;
}

const transferOutput = z.object({
  transfer_id: z.string(),
  status: z.string(),
  amount: z.number(),
  currency: z.string(),
});

let transferCounter = 0;
const nextTransferId = () => `trf_${(++transferCounter).toString().padStart(6, '0')}`;

/** The demo banking capabilities the simulator offers. */
export const DEMO_CAPABILITIES: readonly CapabilityDefinition[] = [
  {
    name: 'check_balance',
    description: 'Check the balance of a bank account',
    public: false,
    highRisk: false,
    mode: 'sync',
    input: z.object({ account_id: z.string().describe('The bank account ID to check') }),
    output: z.object({ account_id: z.string(), balance: z.number(), currency: z.string() }),
    run: (args) => ({ account_id: args.account_id, balance: 4280.13, currency: 'USD' }),
  },
  {
    name: 'list_accounts',
    description: 'List all bank accounts of the linked user',
    public: true,
    highRisk: false,
    mode: 'sync',
    input: z.object({}),
    output: z.array(z.object({ account_id: z.string(), name: z.string(), type: z.enum(['checking', 'savings']) })),
    run: () => [
      { account_id: 'acc_123', name: 'Everyday', type: 'checking' },
      { account_id: 'acc_456', name: 'Rainy day', type: 'savings' },
    ],
  },
  {
    name: 'transfer_money',
    description: 'Transfer funds to another account in the same country',
    public: false,
    highRisk: false,
    mode: 'sync',
    input: z.object({
      amount: z.number().describe('Amount to transfer'),
      currency: z.string().describe('ISO 4217 currency code'),
      destination_account: z.string().describe('Account receiving the funds'),
    }),
    output: transferOutput,
    policyConstraints: { amount: { max: 10_000 } },
    run: (args) => ({
      transfer_id: nextTransferId(),
      status: 'completed',
      amount: args.amount,
      currency: args.currency,
    }),
  },
  {
    name: 'transfer_international',
    description: 'Send an international wire transfer',
    public: false,
    highRisk: true,
    mode: 'sync',
    input: z.object({
      amount: z.number().describe('Amount to transfer'),
      currency: z.string().describe('ISO 4217 currency code'),
      destination_iban: z.string().describe('IBAN of the receiving account'),
    }),
    output: z.object({ transfer_id: z.string(), status: z.string(), estimated_arrival: z.string() }),
    policyConstraints: { amount: { max: 10_000 } },
    run: () => ({ transfer_id: nextTransferId(), status: 'submitted', estimated_arrival: '2 business days' }),
  },
  {
    name: 'get_exchange_rate',
    description: 'Look up the current exchange rate between two currencies',
    public: false,
    highRisk: false,
    mode: 'sync',
    input: z.object({
      from: z.string().describe('ISO 4217 code of the source currency'),
      to: z.string().describe('ISO 4217 code of the target currency'),
    }),
    output: z.object({ from: z.string(), to: z.string(), rate: z.number() }),
    run: (args) => ({ from: args.from, to: args.to, rate: args.from === args.to ? 1 : 0.92 }),
  },
  {
    name: 'find_branch',
    description: 'Find bank branches in a city',
    public: false,
    highRisk: false,
    mode: 'sync',
    input: z.object({ city: z.string().describe('City to search in') }),
    output: z.array(z.object({ branch_id: z.string(), address: z.string() })),
    run: (args) => [{ branch_id: 'br_1', address: `1 Main Street, ${String(args.city)}` }],
  },
  {
    name: 'generate_report',
    description: 'Generate an account activity report (runs asynchronously)',
    public: false,
    highRisk: false,
    mode: 'async',
    input: z.object({ fail: z.boolean().optional().describe('Make the report job fail (for testing)') }),
    output: z.object({ report_id: z.string(), rows: z.number() }),
    run: () => ({ report_id: 'rpt_001', rows: 42 }),
  },
  {
    name: 'stream_transactions',
    description: 'Stream recent transactions as Server-Sent Events',
    public: false,
    highRisk: false,
    mode: 'stream',
    input: z.object({ fail: z.boolean().optional().describe('End the stream with an error event (for testing)') }),
    output: z.object({ transaction_id: z.string(), amount: z.number(), currency: z.string() }),
    run: () => [
      { transaction_id: 'txn_1', amount: -12.5, currency: 'USD' },
      { transaction_id: 'txn_2', amount: 2500, currency: 'USD' },
      { transaction_id: 'txn_3', amount: -80.99, currency: 'USD' },
    ],
  },
];

/** Host defaults of a newly approved host. */
export const INITIAL_HOST_DEFAULTS: readonly string[] = ['check_balance', 'list_accounts'];

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** The capability set of one simulator, including the operator's removals (§2.12). */
export class CapabilityCatalog {
  private readonly removed = new Set<string>();

  constructor(private readonly definitions: readonly CapabilityDefinition[] = DEMO_CAPABILITIES) {}

  /** A capability the server currently offers. */
  find(name: string): CapabilityDefinition | undefined {
    return this.removed.has(name) ? undefined : this.definitions.find((c) => c.name === name);
  }

  /** A capability that was offered once, even if it has been removed since. */
  findEver(name: string): CapabilityDefinition | undefined {
    return this.definitions.find((c) => c.name === name);
  }

  isRemoved(name: string): boolean {
    return this.removed.has(name);
  }

  offered(): CapabilityDefinition[] {
    return this.definitions.filter((c) => !this.removed.has(c.name));
  }

  remove(name: string): boolean {
    if (this.find(name) === undefined) return false;
    this.removed.add(name);
    return true;
  }

  /** Offers a removed capability again; false when it was never offered or is offered now. */
  restore(name: string): boolean {
    return this.removed.delete(name);
  }

  restoreAll(): void {
    this.removed.clear();
  }
}

export function summaryOf(definition: CapabilityDefinition): CapabilitySummary {
  return { name: definition.name, description: definition.description };
}

/** The full capability object of §2.12 (without grant_status). */
export function detailOf(definition: CapabilityDefinition): Capability {
  return {
    name: definition.name,
    description: definition.description,
    input: jsonSchemaOf(definition.input),
    output: jsonSchemaOf(definition.output),
  };
}

/** Whether `definition` matches a free-text listing query (any query word in its name or description). */
export function matchesQuery(definition: CapabilityDefinition, query: string): boolean {
  const words = query
    .toLowerCase()
    .split(/[\s_]+/)
    .filter((word) => word.length > 0);
  if (words.length === 0) return true;
  const haystack = `${definition.name.replace(/_/g, ' ')} ${definition.description}`.toLowerCase();
  return words.some((word) => haystack.includes(word));
}
