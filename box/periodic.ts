/**
 * A loop for the box's reconcilers: runs `step` now and every `intervalMs`, never two at once (a slow pass
 * skips the ticks it overlaps), and reports a failed pass through `onError` instead of stopping.
 */
export function startPeriodic(step: () => Promise<unknown>, intervalMs: number, onError: (e: Error) => void): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    step()
      .catch((e) => onError(e as Error))
      .finally(() => {
        running = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return () => clearInterval(timer);
}
