import { UserError } from "../../errors/index.ts";
import { fCdf, mean, type SlopeEstimate, slopeOf, tQuantile } from "../stats/index.ts";

/** One stated value of an unspecified variable (e.g. the competitor's price) in one arm. */
export interface ProbeObservation {
  variable: string;
  arm: string;
  /** The treatment's value in that arm (e.g. the price). */
  treatment: number;
  value: number;
  person?: string;
}

export interface ArmMean {
  arm: string;
  treatment: number;
  n: number;
  mean: number;
  lower: number | null;
  upper: number | null;
}

export interface ProbeDiagnostic {
  variable: string;
  n: number;
  arms: ArmMean[];
  /** OLS of the variable on the treatment: the change per unit of treatment. */
  slope: SlopeEstimate | null;
  /** One-way ANOVA across arms: does the variable differ by arm at all (any shape, e.g. an inverted U)? */
  f_test: { F: number; df1: number; df2: number; p: number } | null;
  /** The F-test rejects at alpha: the treatment moves what the model assumes about this variable. */
  moved: boolean;
}

export interface ProbeResult {
  alpha: number;
  variables: ProbeDiagnostic[];
  /** Names of the variables that moved with the treatment. */
  moved: string[];
}

function armMeans(obs: readonly ProbeObservation[], alpha: number): ArmMean[] {
  const by = new Map<string, ProbeObservation[]>();
  for (const o of obs) {
    if (!by.has(o.arm)) by.set(o.arm, []);
    by.get(o.arm)!.push(o);
  }
  return [...by]
    .map(([arm, os]) => {
      const treatments = new Set(os.map((o) => o.treatment));
      if (treatments.size > 1)
        throw new UserError(`arm "${arm}" has more than one treatment value (${[...treatments].join(", ")})`);
      const v = os.map((o) => o.value);
      const m = mean(v);
      const n = v.length;
      let half: number | null = null;
      if (n >= 2) {
        const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
        half = tQuantile(1 - alpha / 2, n - 1) * (sd / Math.sqrt(n));
      }
      return {
        arm,
        treatment: os[0].treatment,
        n,
        mean: m,
        lower: half === null ? null : m - half,
        upper: half === null ? null : m + half,
      };
    })
    .sort((a, b) => a.treatment - b.treatment);
}

function anova(obs: readonly ProbeObservation[], arms: ArmMean[]): ProbeDiagnostic["f_test"] {
  const k = arms.length;
  const n = obs.length;
  if (k < 2 || n <= k) return null;
  const grand = mean(obs.map((o) => o.value));
  const armMean = new Map(arms.map((a) => [a.arm, a.mean]));
  let between = 0;
  for (const a of arms) between += a.n * (a.mean - grand) ** 2;
  let within = 0;
  for (const o of obs) within += (o.value - armMean.get(o.arm)!) ** 2;
  const df1 = k - 1;
  const df2 = n - k;
  // No spread within arms: any difference between arms is certain, none is certainly none.
  if (within === 0) return { F: between > 0 ? Infinity : 0, df1, df2, p: between > 0 ? 0 : 1 };
  const F = between / df1 / (within / df2);
  return { F, df1, df2, p: 1 - fCdf(F, df1, df2) };
}

function slope(obs: readonly ProbeObservation[], alpha: number): ProbeDiagnostic["slope"] {
  if (new Set(obs.map((o) => o.treatment)).size < 2 || obs.length < 3) return null;
  // A person who states the variable for several arms (within designs) is one cluster.
  return slopeOf(
    obs.map((o) => o.treatment),
    obs.map((o) => o.value),
    obs.map((o) => o.person),
    alpha,
  );
}

/**
 * Design diagnostics (Gui & Toubia 2025): each probe variable regressed on the treatment, with
 * an F-test across arms; a variable whose F-test rejects at alpha is flagged as moving with the
 * treatment, i.e. the treatment is confounded with what the prompt leaves unsaid.
 */
export function probeDiagnostics(
  obs: readonly ProbeObservation[],
  opts: { alpha?: number } = {},
): ProbeResult {
  const alpha = opts.alpha ?? 0.05;
  const by = new Map<string, ProbeObservation[]>();
  obs.forEach((o, i) => {
    if (!Number.isFinite(o.value) || !Number.isFinite(o.treatment))
      throw new UserError(`probe observation ${i + 1} (${o.variable}, arm ${o.arm}) is not a number`);
    if (!by.has(o.variable)) by.set(o.variable, []);
    by.get(o.variable)!.push(o);
  });
  const variables = [...by].map(([variable, os]): ProbeDiagnostic => {
    const arms = armMeans(os, alpha);
    const f = anova(os, arms);
    return {
      variable,
      n: os.length,
      arms,
      slope: slope(os, alpha),
      f_test: f,
      moved: f !== null && f.p < alpha,
    };
  });
  return { alpha, variables, moved: variables.filter((v) => v.moved).map((v) => v.variable) };
}

/**
 * The report's warning when covariates are written into the prompt (design.hold_fixed), given
 * as "name (value)" or just names.
 */
export function focalismNote(held: readonly string[]): string | null {
  if (held.length === 0) return null;
  return (
    `Held fixed in every prompt: ${held.join(", ")}. Stating a covariate stops it from moving with the ` +
    "treatment, but it also draws attention to it (focalism, Gui & Toubia 2025): the simulated people may weigh it " +
    "more than real people, who would not have it spelled out. Compare with a run that leaves it out."
  );
}
