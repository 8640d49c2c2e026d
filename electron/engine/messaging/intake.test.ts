import { describe, expect, it } from 'vitest';
import { INTAKE_LIMITS, type IntakeLimits } from './budgets';
import { MessageIntake } from './intake';

const KiB = 1024;
/** Small figures that make the arithmetic readable: costs are bytes + 100. */
const LIMITS: IntakeLimits = {
  messageCost: 100,
  perSource: { burst: 10 * KiB, perSecond: 5 * KiB },
  all: { burst: 40 * KiB, perSecond: 20 * KiB, reserve: 10 * KiB },
  unannounced: { burst: 4 * KiB, perSecond: 2 * KiB },
  sources: 8,
  vouched: 2,
};
const ONE_K = KiB - 100; // a message that costs exactly 1 KiB

/** How many of `n` messages of 1 KiB from `address` are admitted at `now`. */
function admitted(
  intake: MessageIntake,
  address: string,
  n: number,
  now: number,
  announced = true,
) {
  let yes = 0;
  for (let i = 0; i < n; i++) if (intake.admit(address, ONE_K, announced, now)) yes++;
  return yes;
}

describe('MessageIntake', () => {
  it('lets a source burst, then refills it at its rate', () => {
    const intake = new MessageIntake(LIMITS);
    expect(admitted(intake, 'bob', 20, 0)).toBe(10);
    expect(intake.refused.source).toBe(10);
    expect(admitted(intake, 'bob', 20, 1000)).toBe(5); // 5 KiB a second
    expect(admitted(intake, 'bob', 20, 60_000)).toBe(10); // never more than the burst
  });

  it('one source running dry does not touch another (a forger posing as bob)', () => {
    const intake = new MessageIntake(LIMITS);
    expect(admitted(intake, 'bob', 50, 0)).toBe(10);
    expect(admitted(intake, 'carol', 5, 0)).toBe(5);
    // Bob himself is heard again as soon as his bucket refills: 2 s for all of it.
    expect(admitted(intake, 'bob', 1, 200)).toBe(1);
  });

  it('caps everyone together, keeping the reserve for vouched addresses', () => {
    const intake = new MessageIntake(LIMITS);
    intake.vouch('colleague');
    // 30 KiB of 40 are for anyone; the last 10 only for the vouched.
    for (let s = 0; s < 5; s++) admitted(intake, `forged-${s}`, 10, 0);
    expect(intake.refused.all).toBe(20);
    expect(admitted(intake, 'stranger', 1, 0)).toBe(0);
    expect(admitted(intake, 'colleague', 10, 0)).toBe(10);
    // Down to zero now: nobody, vouched or not.
    expect(admitted(intake, 'colleague', 1, 0)).toBe(0);
    expect(intake.refusedTotal()).toBe(intake.refused.all + intake.refused.source);
  });

  it('gives hosts that never announced themselves a small share, unless vouched', () => {
    const intake = new MessageIntake(LIMITS);
    let yes = 0;
    for (let s = 0; s < 10; s++) yes += admitted(intake, `unannounced-${s}`, 1, 0, false);
    expect(yes).toBe(4);
    expect(intake.refused.unannounced).toBe(6);
    // Announced peers are not held back by it, nor is a vouched host that never announced.
    expect(admitted(intake, 'announced', 3, 0)).toBe(3);
    intake.vouch('dialup-host');
    expect(admitted(intake, 'dialup-host', 3, 0, false)).toBe(3);
    // The share refills at its own rate: 2 KiB a second.
    expect(admitted(intake, 'unannounced-99', 5, 1000, false)).toBe(2);
  });

  it('remembers a bounded number of sources and of vouched addresses', () => {
    const intake = new MessageIntake(LIMITS);
    admitted(intake, 'bob', 10, 0);
    expect(admitted(intake, 'bob', 1, 0)).toBe(0);
    // Eight other sources later, bob's record was reused: he starts with a full bucket.
    for (let s = 0; s < 8; s++) admitted(intake, `s${s}`, 1, 0);
    expect(admitted(intake, 'bob', 1, 0)).toBe(1);
    intake.vouch('a');
    intake.vouch('b');
    intake.vouch('a'); // a is the most recent now
    intake.vouch('c'); // b goes
    for (let s = 0; s < 3; s++) admitted(intake, `f${s}`, 10, 1); // bring everyone to the reserve
    expect(admitted(intake, 'b', 1, 1)).toBe(0);
    expect(admitted(intake, 'a', 1, 1)).toBe(1);
    expect(admitted(intake, 'c', 1, 1)).toBe(1);
  });

  it('the default per-source burst holds the largest long message Pigeon sends', () => {
    // 1 MiB of text in parts of at most 1,400-byte datagrams (about 1,300 bytes of text each).
    const parts = Math.ceil((1024 * KiB) / 1300);
    const cost = parts * (1400 + INTAKE_LIMITS.messageCost);
    expect(INTAKE_LIMITS.perSource.burst).toBeGreaterThan(cost);
    expect(INTAKE_LIMITS.all.burst - INTAKE_LIMITS.all.reserve).toBeGreaterThan(cost);
  });
});
