import readline from 'node:readline';
import { resultLine, type RequestChannel, type RequestHandler } from '../../shared/contract';
import { printJson } from './output';

/** Longest request line accepted on stdin (a message of 1 MB of text, JSON-escaped, fits). */
const MAX_LINE = 8 * 1024 * 1024;

/**
 * `pigeon serve --json` also reads requests on stdin, one JSON object per line:
 * `{"id": 1, "ch": "chat:send", "req": {"to": ["10.0.0.5"], "text": "hi"}}`, answered on stdout
 * with `{"channel": "chat:send", "id": 1, "result": {"ok": true, "value": ...}}`. The channels and
 * their validation are the UI's contract, so scripts and tests drive exactly what the app does.
 * A malformed line gets an error result; nothing it sends can stop the engine. `handle` is the
 * same dispatcher the browser UI uses (serve.ts), so both share unread counts and settings.
 */
export function startStdioControl(handle: RequestHandler): () => void {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    if (line.length > MAX_LINE) {
      printJson(
        resultLine(null, {
          ok: false,
          error: { code: 'too-large', message: `request line longer than ${MAX_LINE} bytes` },
        }),
      );
      return;
    }
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      printJson(
        resultLine(null, {
          ok: false,
          error: { code: 'bad-json', message: 'request is not valid JSON' },
        }),
      );
      return;
    }
    const r = request as { id?: unknown; ch?: unknown; req?: unknown } | null;
    const id = r && (typeof r.id === 'number' || typeof r.id === 'string') ? r.id : null;
    if (!r || typeof r !== 'object' || typeof r.ch !== 'string') {
      printJson(
        resultLine(
          null,
          { ok: false, error: { code: 'bad-request', message: 'expected {"id", "ch", "req"}' } },
          id,
        ),
      );
      return;
    }
    const channel = r.ch as RequestChannel;
    void handle(channel, r.req ?? null).then((result) => printJson(resultLine(channel, result as never, id)));
  });
  // End of input (stdin closed or /dev/null) is not a reason to stop serving.
  return () => rl.close();
}
