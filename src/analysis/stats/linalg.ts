import { UserError } from "../../errors/index.ts";

/** Dense matrices are arrays of rows; the models here have a handful of columns. */
export type Matrix = number[][];

/** A design whose columns are linearly dependent (or a column that is constant zero). */
export class SingularDesignError extends UserError {
  /** 0-based index of the first column that depends on the columns before it. */
  readonly column: number;
  constructor(message: string, column: number, options: { where?: string } = {}) {
    super(message, options);
    this.name = "SingularDesignError";
    this.column = column;
  }
}

export function transpose(a: Matrix): Matrix {
  if (a.length === 0) return [];
  return a[0].map((_, j) => a.map((row) => row[j]));
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  const n = a.length;
  const m = b[0]?.length ?? 0;
  const k = b.length;
  const out: Matrix = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i][l];
      if (ail === 0) continue;
      const bl = b[l];
      const oi = out[i];
      for (let j = 0; j < m; j++) oi[j] += ail * bl[j];
    }
  }
  return out;
}

export function matVec(a: Matrix, v: readonly number[]): number[] {
  return a.map((row) => {
    let s = 0;
    for (let j = 0; j < row.length; j++) s += row[j] * v[j];
    return s;
  });
}

/** Σ_i w_i x_i x_iᵀ over the rows x_i of X (XᵀWX); unit weights when w is omitted. */
export function weightedCrossprod(x: Matrix, w?: readonly number[]): Matrix {
  const p = x[0]?.length ?? 0;
  const out: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    for (let a = 0; a < p; a++) {
      const v = wi * xi[a];
      if (v === 0) continue;
      const oa = out[a];
      for (let b = a; b < p; b++) oa[b] += v * xi[b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) out[a][b] = out[b][a];
  return out;
}

/** Elementwise a·s + b·t for matrices of the same shape. */
export function matCombine(a: Matrix, s: number, b: Matrix, t: number): Matrix {
  return a.map((row, i) => row.map((v, j) => v * s + b[i][j] * t));
}

export function matScale(a: Matrix, s: number): Matrix {
  return a.map((row) => row.map((v) => v * s));
}

/** B A Bᵀ: the sandwich of a "meat" A between "bread" B. */
export function sandwich(bread: Matrix, meat: Matrix): Matrix {
  return matMul(matMul(bread, meat), transpose(bread));
}

/**
 * Inverse of a symmetric positive (semi)definite matrix by Cholesky on its correlation-scaled
 * form, so the rank test does not depend on the units of the columns. A column whose share of
 * variance not explained by earlier columns is below `tol` makes the matrix singular.
 */
export function invertSymmetric(a: Matrix, names?: readonly string[], tol = 1e-10): Matrix {
  const p = a.length;
  const label = (j: number) => (names?.[j] !== undefined ? `"${names[j]}"` : `${j + 1}`);
  const scale = new Array<number>(p);
  for (let j = 0; j < p; j++) {
    const d = a[j][j];
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new SingularDesignError(
        `singular design: column ${label(j)} is ${Number.isFinite(d) ? "all zero" : "not finite"}`,
        j,
      );
    }
    scale[j] = 1 / Math.sqrt(d);
  }
  const s = a.map((row, i) => row.map((v, j) => v * scale[i] * scale[j]));
  const l: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    let d = s[j][j];
    for (let k = 0; k < j; k++) d -= l[j][k] * l[j][k];
    if (!(d > tol)) {
      throw new SingularDesignError(
        `singular design: column ${label(j)} is (nearly) a linear combination of the columns before it`,
        j,
      );
    }
    const ljj = Math.sqrt(d);
    l[j][j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let v = s[i][j];
      for (let k = 0; k < j; k++) v -= l[i][k] * l[j][k];
      l[i][j] = v / ljj;
    }
  }
  // Invert L (lower triangular), then S⁻¹ = L⁻ᵀ L⁻¹, then undo the scaling.
  const li: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    li[j][j] = 1 / l[j][j];
    for (let i = j + 1; i < p; i++) {
      let v = 0;
      for (let k = j; k < i; k++) v -= l[i][k] * li[k][j];
      li[i][j] = v / l[i][i];
    }
  }
  const out: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let v = 0;
      for (let k = i; k < p; k++) v += li[k][i] * li[k][j];
      out[i][j] = out[j][i] = v * scale[i] * scale[j];
    }
  }
  return out;
}

/** Checks that X is a non-empty rectangular matrix of finite numbers with y of matching length. */
export function checkDesign(x: Matrix, y: readonly number[], what: string): { n: number; p: number } {
  const n = x.length;
  if (n === 0) throw new UserError(`${what}: no observations`);
  const p = x[0].length;
  if (p === 0) throw new UserError(`${what}: the design matrix has no columns`);
  if (y.length !== n) throw new UserError(`${what}: X has ${n} rows but y has ${y.length} values`);
  for (let i = 0; i < n; i++) {
    if (x[i].length !== p)
      throw new UserError(`${what}: row ${i + 1} of X has ${x[i].length} columns, expected ${p}`);
    for (let j = 0; j < p; j++) {
      if (!Number.isFinite(x[i][j]))
        throw new UserError(`${what}: X[${i + 1}][${j + 1}] is not a finite number`);
    }
    if (!Number.isFinite(y[i])) throw new UserError(`${what}: y[${i + 1}] is not a finite number`);
  }
  return { n, p };
}
