import type { Matrix } from "../stats/index.ts";

/** Column means of a row matrix. */
function colMeans(rows: Matrix, d: number): number[] {
  const m = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) m[j] += r[j];
  return m.map((v) => v / rows.length);
}

/**
 * Power-tuned λ for PPI++ M-estimation (Angelopoulos, Duchi & Zrnic 2023, as computed in
 * ppi_py): the λ minimising the trace of the asymptotic covariance, or one coefficient's
 * variance when `coord` is given, clipped to [0, 1].
 *
 *   λ = tr(H⁻¹ C H⁻¹) / (2 (1 + n/N) tr(H⁻¹ V H⁻¹))
 *
 * with C the symmetrised cross-covariance of the labeled gradients at the human and the
 * simulated answers (divisor n, as ppi_py) and V the covariance of the simulated-answer
 * gradients over labeled and unlabeled rows together (divisor n + N − 1).
 */
export function tuneLambda(
  grads: Matrix,
  gradsHat: Matrix,
  gradsHatUnlabeled: Matrix,
  invHessian: Matrix,
  coord?: number,
): number {
  const n = grads.length;
  const N = gradsHatUnlabeled.length;
  const d = invHessian.length;
  const mg = colMeans(grads, d);
  const mh = colMeans(gradsHat, d);
  const c: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const ga = grads[i][a] - mg[a];
      const ha = gradsHat[i][a] - mh[a];
      for (let b = 0; b < d; b++) c[a][b] += (ga * (gradsHat[i][b] - mh[b]) + ha * (grads[i][b] - mg[b])) / n;
    }
  }
  const all = gradsHat.concat(gradsHatUnlabeled);
  const ma = colMeans(all, d);
  const v: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of all) {
    for (let a = 0; a < d; a++) {
      const ra = r[a] - ma[a];
      for (let b = 0; b < d; b++) v[a][b] += (ra * (r[b] - ma[b])) / (all.length - 1);
    }
  }
  // Quadratic forms hᵀ M h summed over the rows h of H⁻¹ used (all rows: the trace; one: a coefficient).
  const rows = coord === undefined ? invHessian : [invHessian[coord]];
  let num = 0;
  let den = 0;
  for (const h of rows) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        num += h[a] * c[a][b] * h[b];
        den += h[a] * v[a][b] * h[b];
      }
    }
  }
  den *= 2 * (1 + n / N);
  if (!(den > 0)) return 0; // constant predictions carry no information
  const lambda = num / den;
  return Math.min(1, Math.max(0, lambda));
}
