import type { FetchHandler } from '../listen.ts';

/**
 * The foreign listener: an origin the client has no business with. It serves nothing, so whatever
 * reaches it (a status URL or verification URI followed across origins, a token sent to the wrong
 * place) is answered 404 and kept in the scenario's record.
 */
export const answerForeign: FetchHandler = (request) =>
  Response.json(
    { error: 'not_found', message: `Nothing is served at ${new URL(request.url).pathname}` },
    { status: 404 },
  );
