/**
 * Which demo capability of the simulator plays each role the harness needs. Plain data: the CLI
 * hands it to the harness as the target profile of an embedded run.
 */
export const SIMULATOR_PROFILE = {
  sync: 'list_accounts',
  'with-input': 'check_balance',
  constrainable: {
    name: 'transfer_money',
    numericField: 'amount',
    stringField: 'currency',
    exactField: 'destination_account',
  },
  async: 'generate_report',
  stream: 'stream_transactions',
  second: 'check_balance',
  highRisk: 'transfer_international',
  failureArguments: {
    async: { fail: true },
    stream: { fail: true },
  },
} as const;
