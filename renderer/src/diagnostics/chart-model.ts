import { LOST, SEND_ERROR } from './echo-state';

/**
 * Geometry of the round-trip chart, in pixels, from the samples of a run. Pure, so the chart
 * component only draws, and scales and bucketing are unit-tested. Long runs are bucketed (one
 * bucket per few pixels: a min–max band and the median line), so 100,000 probes draw as fast
 * as 50.
 */
export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartGeometry {
  box: ChartBox;
  yMax: number;
  yTicks: { value: number; y: number }[];
  xTicks: { label: number; x: number }[];
  /** SVG path data of the RTT line (median per bucket when bucketed). */
  line: string;
  /** SVG path data of the min–max band (bucketed runs only). */
  band: string;
  /** Answered probes as dots (short runs only). */
  dots: { x: number; y: number }[];
  /** Answers above the scale, drawn as carets on the top edge. */
  clipped: number[];
  /** x of probes that got no answer within the timeout. */
  lost: number[];
  /** x of probes the socket refused to send. */
  errors: number[];
  /** x of the next probe to be decided while running, else null. */
  cursor: number | null;
  bucketed: boolean;
}

const STEPS = [1, 2, 2.5, 5, 10];

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above v. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const exp = Math.pow(10, Math.floor(Math.log10(v)));
  for (const s of STEPS) if (s * exp >= v - 1e-12) return s * exp;
  return 10 * exp;
}

/** A round step for about four grid intervals up to `top`. */
export function tickStep(top: number): number {
  return niceCeil(top / 4);
}

/**
 * The top of the scale, a whole number of round steps: the largest answer, unless a few spikes
 * would flatten the rest (those are drawn as carets on the top edge).
 */
export function scaleTop(samples: readonly number[]): number {
  const rtts = samples.filter((v) => v >= 0).sort((a, b) => a - b);
  if (rtts.length === 0) return 1;
  const max = rtts[rtts.length - 1] ?? 1;
  const p95 = rtts[Math.floor(0.95 * (rtts.length - 1))] ?? max;
  const raw = max > 4 * p95 && rtts.length >= 20 ? p95 * 1.6 : max * 1.05;
  const step = tickStep(raw);
  return step * Math.max(1, Math.ceil(raw / step - 1e-9));
}

/** About `target` whole-number ticks from 1 to count (probe numbers as people count them). */
export function probeTicks(count: number, target = 5): number[] {
  if (count <= 1) return [1];
  const step = niceCeil((count - 1) / target);
  const whole = Math.max(1, Math.round(step));
  const ticks = [1];
  for (let t = whole; t <= count; t += whole) if (t > 1) ticks.push(t);
  return ticks;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export function chartGeometry(
  samples: readonly number[],
  size: { width: number; height: number },
  options: { yMax?: number; running?: boolean; decided?: number } = {},
): ChartGeometry {
  const box: ChartBox = {
    width: size.width,
    height: size.height,
    left: 46,
    right: size.width - 12,
    top: 12,
    bottom: size.height - 24,
  };
  const count = samples.length;
  const plotW = Math.max(1, box.right - box.left);
  const plotH = Math.max(1, box.bottom - box.top);
  const yMax = options.yMax ?? scaleTop(samples);
  const xOf = (seq: number) =>
    r1(box.left + (count <= 1 ? plotW / 2 : (seq / (count - 1)) * plotW));
  const yOf = (ms: number) => r1(box.bottom - (Math.min(ms, yMax) / yMax) * plotH);
  const step = tickStep(yMax);
  const yTicks: { value: number; y: number }[] = [];
  for (let i = 0; i * step <= yMax * (1 + 1e-9); i++) {
    const value = Math.round(i * step * 1e6) / 1e6;
    yTicks.push({ value, y: yOf(value) });
  }
  const xTicks = probeTicks(count, Math.max(2, Math.floor(plotW / 90))).map((label) => ({
    label,
    x: xOf(label - 1),
  }));

  const lost: number[] = [];
  const errors: number[] = [];
  const clipped: number[] = [];
  const dots: { x: number; y: number }[] = [];
  let line = '';
  let band = '';
  const bucketSize = Math.max(1, Math.ceil(count / (plotW / 3)));
  const bucketed = bucketSize > 1;

  if (!bucketed) {
    let open = false;
    samples.forEach((v, seq) => {
      const x = xOf(seq);
      if (v >= 0) {
        const y = yOf(v);
        line += `${open ? 'L' : 'M'}${x} ${y}`;
        open = true;
        if (plotW / count >= 5) dots.push({ x, y });
        if (v > yMax) clipped.push(x);
        return;
      }
      if (v === LOST) lost.push(x);
      else if (v === SEND_ERROR) errors.push(x);
      open = false;
    });
  } else {
    let upper: string[] = [];
    let lower: string[] = [];
    const closeBand = () => {
      if (upper.length) band += `M${upper.join('L')}L${lower.reverse().join('L')}Z`;
      upper = [];
      lower = [];
    };
    let open = false;
    for (let start = 0; start < count; start += bucketSize) {
      const values: number[] = [];
      let lostHere = false;
      let errorHere = false;
      for (let i = start; i < Math.min(count, start + bucketSize); i++) {
        const v = samples[i] ?? Number.NaN;
        if (v >= 0) values.push(v);
        else if (v === LOST) lostHere = true;
        else if (v === SEND_ERROR) errorHere = true;
      }
      const x = xOf(Math.min(count - 1, start + (bucketSize - 1) / 2));
      if (lostHere) lost.push(x);
      if (errorHere) errors.push(x);
      if (values.length === 0) {
        open = false;
        closeBand();
        continue;
      }
      values.sort((a, b) => a - b);
      const median = values[Math.floor((values.length - 1) / 2)] ?? 0;
      const max = values[values.length - 1] ?? 0;
      line += `${open ? 'L' : 'M'}${x} ${yOf(median)}`;
      open = true;
      upper.push(`${x} ${yOf(max)}`);
      lower.push(`${x} ${yOf(values[0] ?? 0)}`);
      if (max > yMax) clipped.push(x);
    }
    closeBand();
  }

  const decided = options.decided ?? 0;
  const cursor = options.running && count > 0 && decided < count ? xOf(decided) : null;
  return {
    box,
    yMax,
    yTicks,
    xTicks,
    line,
    band,
    dots,
    clipped,
    lost,
    errors,
    cursor,
    bucketed,
  };
}

/** How many probes are decided: the run goes left to right, so the first pending one. */
export function firstPending(samples: readonly number[]): number {
  const i = samples.findIndex((v) => Number.isNaN(v));
  return i < 0 ? samples.length : i;
}
