import type { Readable } from 'node:stream';
import {
  MAX_REQUEST_FRAME_BYTES,
  parseRequestFrame,
  refuseTooLarge,
  type FrameRules,
  type RequestHandler,
  resultLine,
  type RequestChannel,
  type RequestId,
  type Result,
} from '../../shared/contract';
import { boundedLines, type LineItem } from './bounded-lines';
import { printJson } from './output';

/** A line may leave out its id; its answer then says id null. */
const STDIN_FRAME_RULES: FrameRules = { idRequired: false };

export interface StdioControlOptions {
  /** Default process.stdin. */
  input?: Readable;
  /** Writes one JSON line; default stdout. */
  print?: (value: unknown) => void;
  /** Default MAX_REQUEST_FRAME_BYTES, the WebSocket's cap too. */
  maxLineBytes?: number;
}

/**
 * `pigeon serve --json` also reads requests on stdin, one JSON object per line:
 * `{"id": 1, "ch": "chat:send", "req": {"to": ["10.0.0.5"], "text": "hi"}}`, answered on stdout
 * with `{"channel": "chat:send", "id": 1, "result": {"ok": true, "value": ...}}`. The channels and
 * their validation are the UI's contract, so scripts and tests drive exactly what the app does.
 * A malformed or oversized line gets an error result; nothing it sends can stop the engine or
 * grow its memory past one line's cap. `handle` is the same dispatcher the browser UI uses
 * (serve.ts), so both share unread counts and settings.
 */
export function startStdioControl(
  handle: RequestHandler,
  options: StdioControlOptions = {},
): () => void {
  const input = options.input ?? process.stdin;
  const print = options.print ?? printJson;
  const maxBytes = options.maxLineBytes ?? MAX_REQUEST_FRAME_BYTES;
  const answer = (channel: string | null, id: RequestId | null, result: Result<unknown>) =>
    print(answerLine(channel, id, result));

  const reader = boundedLines(maxBytes);
  reader.on('data', (item: LineItem) => {
    if (item.kind === 'too-long') {
      const refusal = refuseTooLarge(maxBytes);
      return answer(null, refusal.id, refusal.result);
    }
    if (!item.text.trim()) return;
    const parsed = parseRequestFrame(item.text, STDIN_FRAME_RULES);
    if (!parsed.ok) return answer(null, parsed.refusal.id, parsed.refusal.result);
    const { id, ch, req } = parsed.frame;
    // The dispatcher validates the channel and payload and never rejects.
    void handle(ch, req).then((result) => answer(ch, id, result));
  });
  input.pipe(reader);
  // End of input (stdin closed or /dev/null) is not a reason to stop serving.
  return () => {
    input.unpipe(reader);
    input.pause();
    reader.destroy();
  };
}

/**
 * The one place that shapes a stdin answer, so the `--json` line format can change in one spot.
 */
export function answerLine(
  channel: string | null,
  id: RequestId | null,
  result: Result<unknown>,
): unknown {
  // {"channel", "id", "result"}: the contract's vocabulary (shared/contract/json-lines.ts).
  return resultLine(channel as RequestChannel | null, result as never, id);
}
