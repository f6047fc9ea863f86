import { styleText } from 'node:util';

/** How lines written to one stream look: coloured or plain, and how wide a line may run before it wraps. */
export interface TerminalStyle {
  readonly colour: boolean;
  readonly width: number;
}

/** The width used when the stream is no terminal (CI logs, pipes, files). */
const PIPE_WIDTH = 100;

/** Plain text at the pipe width: what a log file, a pipe or a test gets. */
export const PLAIN: TerminalStyle = { colour: false, width: PIPE_WIDTH };
/** Below this a terminal is too narrow to wrap into usefully; lines wrap at this width anyway. */
const MIN_WIDTH = 40;

interface OutputStream {
  isTTY?: boolean;
  columns?: number;
}

/**
 * The style for lines written to `stream`. Colour follows the usual conventions: NO_COLOR (any
 * non-empty value) turns it off, FORCE_COLOR (anything but 0 or false) turns it on, otherwise only
 * a terminal that is not TERM=dumb gets it. Decided here rather than by styleText's own stream
 * check because that check exists only in recent Node releases and looks at stdout, while the
 * progress lines go to stderr.
 */
export function terminalStyle(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): TerminalStyle {
  const width = stream.isTTY && stream.columns ? Math.max(MIN_WIDTH, stream.columns) : PIPE_WIDTH;
  return { colour: colourWanted(stream, env), width };
}

function colourWanted(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

type Format = Parameters<typeof styleText>[0];

/** `text` in `format` when the style has colour, else unchanged. */
export function paint(style: TerminalStyle, format: Format, text: string): string {
  if (!style.colour || text === '') return text;
  // The decision is ours (terminalStyle), so styleText must not second-guess it against stdout.
  return styleText(format, text, { validateStream: false });
}

/**
 * Breaks `text` into lines of at most `width` characters at spaces (the first line at most
 * `firstWidth`, for text that continues a line already begun). Each of its own lines is wrapped
 * separately and a word longer than a line is split, so nothing is ever dropped.
 */
export function wrap(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  const limit = () => Math.max(1, lines.length === 0 ? firstWidth : width);
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      let rest = word;
      if (line !== '' && line.length + 1 + rest.length <= limit()) {
        line = `${line} ${rest}`;
        continue;
      }
      if (line !== '') lines.push(line);
      while (rest.length > limit()) {
        const max = limit();
        lines.push(rest.slice(0, max));
        rest = rest.slice(max);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}
