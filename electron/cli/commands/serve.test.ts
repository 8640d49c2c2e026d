import { describe, expect, it } from 'vitest';
import { UsageError } from '../args';
import { serve } from './serve';

// Only refusals here: each one happens before an engine or a socket exists. The browser host
// itself is tested in electron/browser-host/, and end to end (real browser, real LAN) in e2e/specs.
describe('pigeon serve --ui flags', () => {
  it.each([
    [['--ui-host', '0.0.0.0'], /--ui-host only makes sense with --ui/],
    [['--ui', '--ui-host', 'my-laptop'], /--ui-host expects an IPv4 address/],
    [['--ui', '70000'], /--ui expects a port/],
  ])('refuses %j', async (argv, message) => {
    const run = serve([...argv, '--broadcast', '127.0.0.2', '--bind', '127.0.0.1']);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });
});
