import { randomUUID } from 'node:crypto';

interface Job {
  agentId: string;
  fail: boolean;
  polls: number;
}

export interface JobBookOptions {
  /** Origin the status URLs live on. */
  origin: string;
  /** Resolves the agent JWT on a request through the plugin; a Response means "reject with this". */
  authenticate: (request: Request) => Promise<{ agentId: string } | Response>;
}

const JOBS_PATH = '/jobs/';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * Asynchronous executions of `generate_report` (§2.15, §5.11). The plugin only turns onExecute's
 * asyncResult into `202 {status:"pending", status_url}`; polling the status URL is the application's
 * job, so the target serves it here: the first poll answers pending, later polls completed (or
 * failed). Each poll must carry an agent JWT of the agent that started the job.
 */
export class JobBook {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: JobBookOptions) {}

  start(agentId: string, fail: boolean): string {
    const id = `job_${randomUUID()}`;
    this.jobs.set(id, { agentId, fail, polls: 0 });
    return id;
  }

  statusUrl(id: string): string {
    return `${this.options.origin}${JOBS_PATH}${id}`;
  }

  handles(pathname: string): boolean {
    return pathname.startsWith(JOBS_PATH);
  }

  clear(): void {
    this.jobs.clear();
  }

  async poll(request: Request): Promise<Response> {
    if (request.method !== 'GET') return json(405, { error: 'invalid_request', message: 'Poll with GET.' });
    const id = new URL(request.url).pathname.slice(JOBS_PATH.length);
    const job = this.jobs.get(id);
    if (!job) return json(404, { error: 'not_found', message: `No job "${id}".` });
    const caller = await this.options.authenticate(request);
    if (caller instanceof Response) return caller;
    if (caller.agentId !== job.agentId) {
      return json(403, { error: 'unauthorized', message: 'This job belongs to another agent.' });
    }
    job.polls += 1;
    if (job.polls === 1) return json(200, { status: 'pending', status_url: this.statusUrl(id) });
    if (job.fail) {
      return json(200, {
        status: 'failed',
        error: { error: 'report_failed', message: 'The report job failed as requested.' },
      });
    }
    return json(200, { status: 'completed', result: { report_id: id, period: '2030-01', transactions: 3 } });
  }
}
