/**
 * `npm run bench`: Pigeon's engine against bare node:dgram (and, for files, bare TCP and tar) on
 * the same loopback paths, in the same run, and the renderer's first render in Chromium against a 100-item baseline. Prints a
 * table, then one JSON object as the last line. Loopback only.
 */
import { isMainThread } from 'node:worker_threads';
import { farSideSpec, runFarSide } from './bench-worker';
import { benchEcho } from './echo-bench';
import { benchFiles, filesRows, type FilesResult } from './files-bench';
import { isFilesChild, runFilesChild } from './files-bench-child';
import { benchFlood } from './flood-bench';
import {
  benchHostileFlood,
  isHostileFloodChild,
  runHostileFloodChild,
} from './hostile-flood-bench';
import { benchHistory, historyRows } from './history-bench';
import { benchMessages, type RatePair } from './messages-bench';
import { benchPresence } from './presence-bench';
import { benchUi, type UiBenchResult } from './ui-bench';

/** `--only flood`: just the flood lines (they need no demo build). */
async function floodOnly(): Promise<void> {
  const flood = await benchAllFloods();
  printRows(floodRows(flood));
  console.log(JSON.stringify({ node: process.version, flood }));
}

/** `--only files [--runs N]`: just the file transfer lines (no demo build needed either). */
async function filesOnly(): Promise<void> {
  const files = await benchFiles(new URL(import.meta.url), { runs: runsArg() });
  printRows(filesRows(files));
  console.log(JSON.stringify({ node: process.version, files }));
}

function runsArg(): number | undefined {
  const i = process.argv.indexOf('--runs');
  if (i < 0) return undefined;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error('--runs takes a whole number, 1 or more');
  return n;
}

function printRows(rows: [string, string, string, string][]): void {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  for (const r of rows) console.log(r.map((c, i) => (i < 3 ? c.padEnd(w[i] ?? 0) : c)).join('  '));
}

/**
 * `--only history`: the history's lines (`--messages N` for a smaller database), and the
 * messages line with the history on disk and in memory, for its cost per message.
 */
async function historyOnly(): Promise<void> {
  const at = process.argv.indexOf('--messages');
  const total = at > 0 ? Number(process.argv[at + 1]) : undefined;
  const history = await benchHistory(total);
  const disk = await benchMessages(5000, 5, 'disk');
  const memory = await benchMessages(5000, 5, 'memory');
  const cost = (d: RatePair, m: RatePair) => Math.round(1e6 / d.acked_per_s - 1e6 / m.acked_per_s);
  const rows = historyRows(history);
  rows.push([
    'messages, history on disk',
    `${disk.sequential.acked_per_s}/s acked (${memory.sequential.acked_per_s}/s in memory)`,
    `${disk.sequential.bare_per_s}/s bare; 8 peers ratio ${disk.concurrent8.ratio}`,
    `ratio ${disk.sequential.ratio} (target >= 0.4), +${cost(disk.sequential, memory.sequential)} us a message`,
  ]);
  printRows(rows);
  console.log(
    JSON.stringify({
      node: process.version,
      history,
      messages_disk: disk,
      messages_memory: memory,
      history_us_per_message: cost(disk.sequential, memory.sequential),
    }),
  );
}

/** Forged senders filling the tables (cost per datagram), then a hostile flood (memory, latency). */
async function benchAllFloods() {
  const forged = await benchFlood();
  const hostile = await benchHostileFlood(new URL(import.meta.url));
  return {
    ...forged,
    hostile_datagrams: hostile.datagrams,
    hostile_s: hostile.flood_s,
    rss_before_mb: hostile.rss_before_mb,
    peak_rss_mb: hostile.peak_rss_mb,
    target_peak_rss_mb: 300,
    heap_mb: hostile.heap_mb,
    refused: hostile.refused,
    latency_ms: hostile.latency_ms,
    baseline_latency_ms: hostile.baseline_latency_ms,
    latency_ratio: hostile.latency_ratio,
    latency_samples: hostile.samples,
    latency_failed: hostile.failed,
  };
}

function floodRows(
  flood: Awaited<ReturnType<typeof benchAllFloods>>,
): [string, string, string, string][] {
  return [
    [
      `flood, ${flood.packets} forged senders`,
      `${flood.us_full} us/datagram, table full`,
      `${flood.us_first} us while filling`,
      `ratio ${flood.ratio} (${flood.peers} peers kept)`,
    ],
    [
      `flood, ${flood.hostile_datagrams} hostile datagrams`,
      `peak RSS ${flood.peak_rss_mb} MB (${flood.rss_before_mb} before)`,
      `heap ${flood.heap_mb} MB after, ${flood.refused} messages refused`,
      `target < ${flood.target_peak_rss_mb} MB`,
    ],
    [
      'flood, a real peer meanwhile',
      `${flood.latency_ms} ms to ack`,
      `${flood.baseline_latency_ms} ms without a flood`,
      `latency ratio ${flood.latency_ratio} (${flood.latency_samples} messages, ${flood.latency_failed} failed)`,
    ],
  ];
}

async function main(): Promise<void> {
  const messages = await benchMessages();
  const history = await benchHistory();
  const presence = await benchPresence(500);
  const echo = await benchEcho(new URL(import.meta.url));
  const flood = await benchAllFloods();
  const files: FilesResult = await benchFiles(new URL(import.meta.url), { runs: runsArg() });
  const ui = await benchUi();
  const result = {
    node: process.version,
    messages: {
      acked_per_s: messages.sequential.acked_per_s,
      bare_per_s: messages.sequential.bare_per_s,
      ratio: messages.sequential.ratio,
      concurrent8_acked_per_s: messages.concurrent8.acked_per_s,
      concurrent8_bare_per_s: messages.concurrent8.bare_per_s,
      ratio_concurrent8: messages.concurrent8.ratio,
      history: 'disk',
      target_ratio: 0.4,
    },
    history,
    presence: {
      peers: presence.peers,
      ms: presence.ms,
      bare_ms: presence.bare_ms,
      target_ms: 1000,
    },
    echo,
    flood,
    files,
    ui,
  };
  const rows: [string, string, string, string][] = [
    [
      'messages, sequential',
      `${messages.sequential.acked_per_s}/s acked`,
      `${messages.sequential.bare_per_s}/s bare`,
      `ratio ${messages.sequential.ratio} (target >= 0.4, history on disk)`,
    ],
    [
      'messages, 8 peers',
      `${messages.concurrent8.acked_per_s}/s acked`,
      `${messages.concurrent8.bare_per_s}/s bare`,
      `ratio ${messages.concurrent8.ratio} (target >= 0.4, history on disk)`,
    ],
    ...historyRows(history),
    [
      `presence, ${presence.peers} peers`,
      `${presence.ms} ms`,
      `${presence.bare_ms} ms bare`,
      'target < 1000 ms',
    ],
    [
      'echo, median RTT',
      `${echo.median_rtt_ms} ms`,
      `${echo.bare_median_rtt_ms} ms bare`,
      `ratio ${echo.rtt_ratio} (target <= ${echo.target_ratio})`,
    ],
    ['echo, probe rate', `${echo.max_rate_per_s}/s without loss`, '', 'loopback'],
    ...floodRows(flood),
    ...filesRows(files),
    ...uiRows(ui),
  ];
  printRows(rows);
  console.log(JSON.stringify(result));
}

/** First render in Chromium, against 100 items in the same run. */
function uiRows(ui: UiBenchResult): [string, string, string, string][] {
  if ('skipped' in ui) return [['ui, first render', 'skipped', '', ui.skipped]];
  return [
    [
      `ui, open ${ui.messages.count} messages`,
      `${ui.messages.ms} ms`,
      `${ui.messages.baseline_ms} ms for ${ui.messages.baseline_count}`,
      `ratio ${ui.messages_ratio}`,
    ],
    [
      `ui, list ${ui.peers.count} peers`,
      `${ui.peers.ms} ms`,
      `${ui.peers.baseline_ms} ms for ${ui.peers.baseline_count}`,
      `ratio ${ui.peers_ratio}`,
    ],
  ];
}

function only(part: string): boolean {
  const i = process.argv.indexOf('--only');
  return i >= 0 && process.argv[i + 1] === part;
}

const far = farSideSpec();
const fail = (err: unknown) => {
  console.error(err);
  process.exit(1);
};
if (!isMainThread && far) {
  void runFarSide(far);
} else if (isHostileFloodChild()) {
  runHostileFloodChild().catch(fail);
} else if (isFilesChild()) {
  runFilesChild().catch(fail);
} else if (only('history')) {
  historyOnly().catch(fail);
} else if (only('flood')) {
  floodOnly().catch(fail);
} else if (only('files')) {
  filesOnly().catch(fail);
} else {
  main().catch(fail);
}
