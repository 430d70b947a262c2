import { FixedStepLoop } from "../../../server/features/game/loop";
import { ManualClock } from "./support";

test("steps land on a fixed grid even when every timer fires late (no drift)", () => {
  const clock = new ManualClock(7); // each timer fires 7 ms late
  const deadlines: number[] = [];
  const loop = new FixedStepLoop(clock, 50, (at) => deadlines.push(at));
  loop.start();
  clock.advance(1000);
  // A loop re-armed with a bare 50 ms after each late fire would manage 1000 / 57 = 17.
  expect(deadlines.length).toBeGreaterThanOrEqual(19);
  expect(deadlines.every((at, i) => at === 50 * (i + 1))).toBe(true);
  loop.stop();
});

test("after a long stall it catches up a few steps, then skips the rest", () => {
  const clock = new ManualClock();
  let steps = 0;
  const loop = new FixedStepLoop(clock, 50, () => steps++);
  loop.start();
  clock.advance(50);
  expect(steps).toBe(1);
  clock.jump(2000); // the process was blocked for 2 s
  clock.advance(0);
  expect(steps).toBe(1 + 5);
  clock.advance(50);
  expect(steps).toBe(1 + 5 + 1);
  loop.stop();
  expect(clock.pending).toBe(0);
});

test("stop clears the timer and start is idempotent", () => {
  const clock = new ManualClock();
  const loop = new FixedStepLoop(clock, 50, () => undefined);
  loop.start();
  loop.start();
  expect(clock.pending).toBe(1);
  expect(loop.active).toBe(true);
  loop.stop();
  expect(clock.pending).toBe(0);
  expect(loop.active).toBe(false);
});
