import { chiSquareCdf } from "../stats/index.ts";
import { type Effect, type Estimate, estimateEffect } from "./estimate.ts";
import { type ArmOutcome, agreement, byArm } from "./replicate.ts";

/**
 * Heterogeneous effects (effects --by COL): the effect in each subgroup on both sides, whether
 * they agree, and on each side the test of equal effects across subgroups (the interaction).
 */

export interface InteractionTest {
  /** Cochran's Q = Σ (Δ_g − Δ̄)² / SE_g², Δ the difference in means, Δ̄ its inverse-variance mean. */
  q: number;
  df: number;
  p: number;
  n_groups: number;
}

export interface SubgroupEffect {
  group: string;
  /** null: fewer than 2 outcomes in an arm of this subgroup on that side. */
  human: Effect | null;
  sim: Effect | null;
  sign_agree: boolean | null;
  significance_agree: boolean | null;
  d_difference: Estimate | null;
}

export interface SubgroupEffects {
  groups: SubgroupEffect[];
  /** Rows without a subgroup value, per side (left out of the subgroups). */
  missing: { human: number; sim: number };
  interaction: { human: InteractionTest | null; sim: InteractionTest | null };
  /** Both interaction tests significant at alpha, or both not. */
  interaction_agree: boolean | null;
}

/**
 * The interaction test on one side: with independent subgroups, the Wald test that the
 * arm × subgroup interaction terms are 0 (effects may differ in size across subgroups), using each
 * subgroup's own variance. Needs two subgroups with an estimable difference.
 */
export function interactionTest(effects: readonly (Effect | null)[]): InteractionTest | null {
  const parts = effects.flatMap((e) =>
    e && e.difference.estimate !== null && e.difference.se !== null && e.difference.se > 0
      ? [{ delta: e.difference.estimate, w: 1 / e.difference.se ** 2 }]
      : [],
  );
  if (parts.length < 2) return null;
  const sw = parts.reduce((a, p) => a + p.w, 0);
  const pooled = parts.reduce((a, p) => a + p.w * p.delta, 0) / sw;
  const q = parts.reduce((a, p) => a + p.w * (p.delta - pooled) ** 2, 0);
  const df = parts.length - 1;
  return { q, df, p: 1 - chiSquareCdf(q, df), n_groups: parts.length };
}

export function subgroupEffects(
  human: readonly ArmOutcome[],
  sim: readonly ArmOutcome[],
  opts: { alpha: number; binary: boolean; labels: { human: string; sim: string }; by: string },
): SubgroupEffects {
  const hg = byArm(human, (r) => r.group);
  const sg = byArm(sim, (r) => r.group);
  const values = [...new Set([...hg.keys(), ...sg.keys()])].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  const effect = (groups: ReturnType<typeof byArm>, group: string, label: string): Effect | null => {
    const a = groups.get(group);
    if (!a || a.treated.length < 2 || a.control.length < 2) return null;
    return estimateEffect(a.treated, a.control, {
      alpha: opts.alpha,
      binary: opts.binary,
      weights: a.weights,
      where: `${label} ${opts.by} = "${group}"`,
    });
  };
  const groups = values.map((group): SubgroupEffect => {
    const h = effect(hg, group, opts.labels.human);
    const s = effect(sg, group, opts.labels.sim);
    const agree =
      h && s
        ? agreement(h.d, s.d, opts.alpha)
        : { sign_agree: null, significance_agree: null, d_difference: null };
    return { group, human: h, sim: s, ...agree };
  });
  const interaction = {
    human: interactionTest(groups.map((g) => g.human)),
    sim: interactionTest(groups.map((g) => g.sim)),
  };
  const sig = (t: InteractionTest | null) => (t === null ? null : t.p < opts.alpha);
  const a = sig(interaction.human);
  const b = sig(interaction.sim);
  return {
    groups,
    missing: {
      human: human.filter((r) => r.group === undefined).length,
      sim: sim.filter((r) => r.group === undefined).length,
    },
    interaction,
    interaction_agree: a === null || b === null ? null : a === b,
  };
}
