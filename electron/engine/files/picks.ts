import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ContractError, type PickedItem } from '../../../shared/contract';

/** A pick is good for this long: time to write a message and press send, not for ever. */
const PICK_TTL_MS = 60 * 60 * 1000;
const MAX_PICKS = 10_000;
/** Entries counted when sizing a folder; past it the size shown is what was counted. */
const MAX_SIZED_ENTRIES = 100_000;

interface Pick extends PickedItem {
  path: string;
  at: number;
}

/**
 * What the person picked: only the host (a native dialog, a drop, an upload, the CLI's
 * arguments) puts paths in here, and the UI only ever holds the random ids. So a page cannot
 * make the engine offer a file nobody chose: it can name picks, never paths.
 */
export class PickRegistry {
  private readonly picks = new Map<string, Pick>();

  constructor(private readonly now: () => number) {}

  /** Register a path the person chose; throws a ContractError when there is nothing to offer. */
  add(chosen: string): PickedItem {
    const full = path.resolve(chosen);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (error) {
      throw new ContractError(
        'not-found',
        `${full} cannot be offered: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    if (!stat.isFile() && !stat.isDirectory())
      throw new ContractError('invalid-request', `${full} is neither a file nor a folder`);
    const kind = stat.isDirectory() ? 'folder' : 'file';
    const pick: Pick = {
      pick: randomBytes(12).toString('hex'),
      name: path.basename(full) || full,
      kind,
      size: kind === 'file' ? stat.size : folderSize(full),
      path: full,
      at: this.now(),
    };
    this.prune();
    this.picks.set(pick.pick, pick);
    return { pick: pick.pick, name: pick.name, kind: pick.kind, size: pick.size };
  }

  /** The path behind a pick, or undefined when it is unknown or too old. */
  get(id: string): (PickedItem & { path: string }) | undefined {
    const pick = this.picks.get(id);
    if (!pick || this.now() - pick.at > PICK_TTL_MS) return undefined;
    return pick;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, p] of this.picks) if (now - p.at > PICK_TTL_MS) this.picks.delete(id);
    while (this.picks.size >= MAX_PICKS) {
      const oldest = this.picks.keys().next().value;
      if (oldest === undefined) break;
      this.picks.delete(oldest);
    }
  }
}

/** Bytes of the regular files under a folder (links are not followed, as serving does not). */
function folderSize(dir: string): number {
  let total = 0;
  let seen = 0;
  const stack = [dir];
  while (stack.length > 0 && seen < MAX_SIZED_ENTRIES) {
    const current = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > MAX_SIZED_ENTRIES) break;
      const full = path.join(current, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile()) {
        try {
          total += fs.statSync(full).size;
        } catch {
          /* gone meanwhile */
        }
      }
    }
  }
  return total;
}
