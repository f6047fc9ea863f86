/** The `max-age` directive of a Cache-Control header value (RFC 9111 §5.2.2.1), if any. */
export function maxAge(cacheControl: string): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
