/**
 * A fetch whose response bodies error out past `maxBytes`, so a client answering over HTTP with an
 * endless body or event stream costs bounded memory. The error names the cap.
 */
export class ResponseTooLarge extends Error {
  override name = 'ResponseTooLarge';
}

export function cappedFetch(maxBytes: number): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    let total = 0;
    const capped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          total += chunk.byteLength;
          if (total > maxBytes)
            controller.error(new ResponseTooLarge(`an HTTP response from the client exceeded ${maxBytes} bytes`));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(capped, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
