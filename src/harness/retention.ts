import type { CheckResult, Exchange } from '../model/index.ts';

/**
 * A run-wide budget for the response and request bodies kept in results. Each body is already cut at
 * 64 KiB when recorded, but a target answering every request with a large body would still make a
 * run of hundreds of failing checks hold (and render into four reports) hundreds of megabytes. Past
 * the budget, the bodies of the checks that finish later keep only their first KiB, marked.
 */
export const RETAINED_BODY_BUDGET_BYTES = 24 * 1024 * 1024;
const CUT_BODY_BYTES = 1024;
const CUT_MARKER =
  ' … [cut: the run has kept its budget of recorded bodies; rerun this check alone (--only) to see it whole]';

export class BodyBudget {
  private spent = 0;

  constructor(private readonly budget = RETAINED_BODY_BUDGET_BYTES) {}

  /** The result with its exchanges' bodies counted against the budget, and cut once it is spent. */
  retain(result: CheckResult): CheckResult {
    if (result.exchanges.length === 0) return result;
    return { ...result, exchanges: result.exchanges.map((exchange) => this.exchange(exchange)) };
  }

  private exchange(exchange: Exchange): Exchange {
    const response = exchange.response;
    const request = { ...exchange.request, body: this.body(exchange.request.body) };
    if (request.body === undefined) delete request.body;
    if (response?.body === undefined) return { ...exchange, request };
    const body = this.body(response.body) as string;
    return {
      ...exchange,
      request,
      response: { ...response, body, truncated: response.truncated || body.length < response.body.length },
    };
  }

  private body(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    if (this.spent + text.length <= this.budget) {
      this.spent += text.length;
      return text;
    }
    return text.length <= CUT_BODY_BYTES ? text : `${text.slice(0, CUT_BODY_BYTES)}${CUT_MARKER}`;
  }
}
