import { agentError, AGENT_AUTH_ERROR_CODES, asyncResult, streamResult } from '@better-auth/agent-auth';
import type { AgentAuthOptions, Capability } from '@better-auth/agent-auth';
import { z } from 'zod';
import type { JobBook } from './jobs.ts';

/**
 * The demo banking capability set the reference target offers, mirroring the simulator's set so the
 * same target profile roles apply; `list_branches` and `get_exchange_rate` play no profile role (spare
 * capabilities the operator may remove during a run). Inputs are zod schemas: the JSON Schema the plugin advertises is
 * generated from them, and onExecute validates arguments with the same schema.
 */
const inputs = {
  list_accounts: undefined,
  check_balance: z.object({ account_id: z.string().describe('The bank account to check') }),
  transfer_money: z.object({
    amount: z.number().describe('Amount to transfer'),
    currency: z.string().describe('ISO 4217 currency code'),
    destination_account: z.string().describe('Domestic destination account id'),
  }),
  transfer_international: z.object({
    amount: z.number().describe('Amount to wire'),
    currency: z.string().describe('ISO 4217 currency code'),
    destination_iban: z.string().describe('Destination IBAN'),
  }),
  generate_report: z.object({ fail: z.boolean().optional().describe('Make the report job fail (for testing)') }),
  stream_transactions: z.object({
    fail: z.boolean().optional().describe('Interrupt the stream with an error event (for testing)'),
  }),
  list_branches: undefined,
  get_exchange_rate: z.object({ currency: z.string().describe('ISO 4217 currency code to convert USD into') }),
} as const;

type CapabilityName = keyof typeof inputs;

const descriptions: Record<CapabilityName, string> = {
  list_accounts: 'List the bank accounts of the linked user',
  check_balance: 'Check the balance of one bank account',
  transfer_money: 'Transfer funds to a domestic account',
  transfer_international: 'International wire transfer (high risk: always needs user approval)',
  generate_report: 'Generate an account statement report (asynchronous: answers 202 with a status URL)',
  stream_transactions: 'Stream recent transactions as server-sent events',
  list_branches: 'List the bank branches',
  get_exchange_rate: 'Current USD exchange rate for a currency',
};

const outputs: Record<CapabilityName, z.ZodType> = {
  list_accounts: z.array(z.object({ account_id: z.string(), name: z.string(), type: z.enum(['checking', 'savings']) })),
  check_balance: z.object({ account_id: z.string(), balance: z.number(), currency: z.string() }),
  transfer_money: z.object({ transfer_id: z.string(), status: z.string(), amount: z.number(), currency: z.string() }),
  transfer_international: z.object({ transfer_id: z.string(), status: z.string(), estimated_arrival: z.string() }),
  generate_report: z.object({ report_id: z.string(), period: z.string(), transactions: z.number() }),
  stream_transactions: z.object({ transaction_id: z.string(), amount: z.number(), currency: z.string() }),
  list_branches: z.array(z.object({ branch_id: z.string(), city: z.string() })),
  get_exchange_rate: z.object({ base: z.string(), currency: z.string(), rate: z.number() }),
};

/** Host defaults the target applies to new hosts (§2.7): high-risk and escalated capabilities stay out. */
export const DEFAULT_HOST_CAPABILITIES: string[] = ['check_balance', 'list_accounts'];

/** A fresh copy of the full capability set (the control adapter may remove entries at run time). */
export function capabilityCatalogue(): Capability[] {
  return (Object.keys(inputs) as CapabilityName[]).map((name) => {
    const input = inputs[name];
    const capability: Capability = {
      name,
      description: descriptions[name],
      output: z.toJSONSchema(outputs[name]) as Record<string, unknown>,
    };
    if (input) capability.input = z.toJSONSchema(input) as Record<string, unknown>;
    return capability;
  });
}

const ACCOUNTS = [
  { account_id: 'acc_checking_001', name: 'Everyday Checking', type: 'checking' },
  { account_id: 'acc_savings_002', name: 'Rainy Day Savings', type: 'savings' },
] as const;

const TRANSACTIONS = [
  { transaction_id: 'txn_001', amount: -42.5, currency: 'USD' },
  { transaction_id: 'txn_002', amount: 1200, currency: 'USD' },
  { transaction_id: 'txn_003', amount: -7.25, currency: 'USD' },
];

function parseArguments<T extends z.ZodType>(schema: T, args: unknown): z.infer<T> {
  const parsed = schema.safeParse(args ?? {});
  if (!parsed.success) {
    throw agentError('BAD_REQUEST', AGENT_AUTH_ERROR_CODES.INVALID_REQUEST, z.prettifyError(parsed.error));
  }
  return parsed.data;
}

const BRANCHES = [
  { branch_id: 'br_001', city: 'Springfield' },
  { branch_id: 'br_002', city: 'Shelbyville' },
] as const;

/** The transactions as SSE `data` events, then `done`; failing, an `error` event (§5.13 shape) cuts it short. */
function sseStream(fail: boolean): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  const sent = fail ? TRANSACTIONS.slice(0, 1) : TRANSACTIONS;
  const frames = [
    ...sent.map((t) => frame('data', t)),
    ...(fail
      ? [
          frame('error', {
            error: 'internal_error',
            message: 'The transaction feed was interrupted (requested by the caller).',
          }),
        ]
      : []),
    frame('done', { count: sent.length }),
  ];
  return new ReadableStream({
    start(controller) {
      for (const frame of frames) controller.enqueue(encoder.encode(frame));
      controller.close();
    },
  });
}

/**
 * The plugin's onExecute hook: deterministic results per capability. `generate_report` is
 * asynchronous (a job polled at `jobs.statusUrl(id)`), `stream_transactions` streams SSE.
 */
export function executeCapability(jobs: JobBook): NonNullable<AgentAuthOptions['onExecute']> {
  return ({ capability, arguments: args, agentSession }) => {
    switch (capability as CapabilityName) {
      case 'list_accounts':
        return ACCOUNTS.map((account) => ({ ...account }));
      case 'check_balance': {
        const { account_id } = parseArguments(inputs.check_balance, args);
        return { account_id, balance: 4280.13, currency: 'USD' };
      }
      case 'transfer_money': {
        const { amount, currency, destination_account } = parseArguments(inputs.transfer_money, args);
        return { transfer_id: `trf_${destination_account}`, status: 'completed', amount, currency };
      }
      case 'transfer_international': {
        const { destination_iban } = parseArguments(inputs.transfer_international, args);
        return { transfer_id: `wire_${destination_iban}`, status: 'submitted', estimated_arrival: '2030-01-02' };
      }
      case 'generate_report': {
        const { fail } = parseArguments(inputs.generate_report, args);
        const id = jobs.start(agentSession.agent.id, fail === true);
        return asyncResult(jobs.statusUrl(id), 1);
      }
      case 'stream_transactions': {
        const { fail } = parseArguments(inputs.stream_transactions, args);
        return streamResult(sseStream(fail === true));
      }
      case 'list_branches':
        return BRANCHES.map((branch) => ({ ...branch }));
      case 'get_exchange_rate': {
        const { currency } = parseArguments(inputs.get_exchange_rate, args);
        return { base: 'USD', currency, rate: 0.92 };
      }
      default:
        throw agentError('NOT_FOUND', AGENT_AUTH_ERROR_CODES.CAPABILITY_NOT_FOUND, `No handler for "${capability}".`);
    }
  };
}
