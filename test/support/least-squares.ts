/**
 * The slope of the least-squares line through `points` (y per unit of x). A soak judges growth
 * by it rather than by last minus first sample: one GC just before the last sample (or just
 * after the first) would swing that difference by tens of megabytes either way.
 */
export function leastSquaresSlope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) throw new Error(`a slope needs 2 points, got ${n}`);
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  if (variance === 0) throw new Error('a slope needs points at different x');
  return covariance / variance;
}
