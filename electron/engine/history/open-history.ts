import path from 'node:path';
import { STORE_BUDGET } from '../messaging/budgets';
import { HISTORY_FILE, HistoryStore, type HistoryLimits } from './store';

/** In memory, the history is held to the in-memory conversations' budget (budgets.ts). */
function inMemory(limits: Partial<HistoryLimits> | undefined): HistoryStore {
  return new HistoryStore(':memory:', { budgetBytes: STORE_BUDGET.totalBytes, ...limits });
}

/** Where the history lives: the data directory's history.db, or memory only. */
export interface HistoryOptions {
  /**
   * 'disk' opens DATA/history.db (creating the directory owner-only), 'memory' keeps it for
   * this process only. Default 'memory': the hosts (the CLI, the desktop app) ask for 'disk';
   * tests and benchmarks, which build engines by the hundred with a data directory that must
   * not be written ('/nonexistent/…', which a test elsewhere may well have created), get a
   * history that goes with them.
   */
  where?: 'disk' | 'memory';
  limits?: Partial<HistoryLimits>;
}

export interface OpenedHistory {
  store: HistoryStore;
  /** Set when the file could not be opened and the history fell back to memory. */
  problem?: { file: string; error: string };
}

export function openHistory(dataDir: string, options: HistoryOptions = {}): OpenedHistory {
  if ((options.where ?? 'memory') === 'memory') return { store: inMemory(options.limits) };
  try {
    return { store: HistoryStore.inDataDir(dataDir, options.limits) };
  } catch (error) {
    return {
      store: inMemory(options.limits),
      problem: { file: path.join(dataDir, HISTORY_FILE), error: String(error) },
    };
  }
}
