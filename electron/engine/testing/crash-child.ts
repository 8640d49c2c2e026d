/**
 * The child of history/crash-safety.test.ts: an engine on loopback with its history on disk,
 * which the test kills with SIGKILL at random moments. Args: DATA_DIR BIND PORT. Prints
 * "ready writer-thread" once it listens (or "ready engine-thread" when its history has no
 * writer thread); never stops on its own.
 */
import { Engine } from '../engine';
import { defaultSettings } from '../settings/settings';

const [dataDir, bind, port] = process.argv.slice(2);
if (!dataDir || !bind || !port) throw new Error('usage: crash-child DATA_DIR BIND PORT');
const engine = new Engine(
  defaultSettings({
    nick: 'crash',
    user: 'crash',
    host: 'crash',
    bind,
    port: Number(port),
    // Loopback only: the sender's address, never a broadcast on the machine's LAN.
    broadcast: [bind],
    dataDir,
  }),
  {
    tcp: false,
    entryRepeatMs: 0,
    history: { where: 'disk' },
    // The rate limits out of the way: the test is about what a kill loses, not about floods.
    intake: {
      perSource: { burst: 1e12, perSecond: 1e12 },
      all: { burst: 1e12, perSecond: 1e12, reserve: 0 },
      unannounced: { burst: 1e12, perSecond: 1e12 },
    },
  },
);
await engine.start();
// Which path a kill interrupts: the journal and the writer thread, as the app runs.
process.stdout.write(
  `ready ${engine.history.writesOffThread ? 'writer-thread' : 'engine-thread'}\n`,
);
