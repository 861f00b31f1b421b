import {
  type Agreement,
  type AmceEstimate,
  amceSections,
  estimateAmce,
  repeatedTaskAgreement,
} from "../analysis/conjoint/index.ts";
import { type DemandStudy, demandSections, demandStudy } from "../analysis/demand/index.ts";
import { designDiagnosticsSection, focalismNote, type ProbeResult } from "../analysis/designs/index.ts";
import { mean, sd, tQuantile } from "../analysis/stats/index.ts";
import { readConjointRun } from "../conjoint/index.ts";
import { UserError } from "../errors/index.ts";
import { designDiagnostics, readDesignAnswers } from "../experiments/index.ts";
import { type GameInputs, PAYOFF_ITEM, personSeats, ROLE_ITEM, readGameDecisions } from "../games/index.ts";
import { type GameParams, type Role, seats } from "../instruments/games/index.ts";
import type { ReportSection } from "../report/index.ts";
import type { RunRecord, Store } from "../store/types.ts";
import type { StudyInstrument } from "./instrument.ts";

const ALPHA = 0.05;

/** A design run (design modes, demand, classic): its modes, the probe's diagnostics, the demand curves. */
export interface DesignReport {
  kind: "survey" | "demand" | "classic";
  modes: string[];
  treatment: string;
  held_fixed: { name: string; value: string }[];
  focalism_note: string | null;
  diagnostics: { mode: string; probe: ProbeResult }[];
  /** The demand template: the curves side by side, per mode. */
  demand: DemandStudy | null;
}

export interface GameRoleSummary {
  role: Role;
  people: number;
  decisions: number;
  /** The move as a share of what could be chosen (or 1/0 for a binary choice), mean over people with a 95% t interval. */
  move: { mean: number; lower: number | null; upper: number | null } | null;
  /** Mean earnings over the game. */
  payoff: number | null;
}

export interface GameReport {
  game: string;
  partner: string;
  /** Groups played (one episode each) and people left over, over every arm and replicate. */
  groups: number;
  unmatched: number;
  roles: GameRoleSummary[];
}

export interface ConjointReport {
  arm: string;
  amce: AmceEstimate | null;
  /** Why there are no AMCEs (too few answers yet). */
  amce_problem: string | null;
  left_out: number;
  repeated: Agreement | null;
}

export interface ExperimentReport {
  design?: DesignReport;
  game?: GameReport;
  conjoint?: ConjointReport;
}

/** What a study report adds for a design, a game or a conjoint study (nothing for a plain survey). */
export async function experimentReport(
  store: Store,
  run: RunRecord,
  instrument: StudyInstrument,
): Promise<ExperimentReport> {
  if (instrument.kind === "design") {
    const e = instrument.experiment;
    const answers = await readDesignAnswers(store, run.id, e);
    const held = e.design.hold_fixed ?? [];
    const heldNames = held.map((h) => `${h.name} (${h.value})`);
    // Curves need a purchase answer in every mode; an unfinished run may not have them yet.
    const modes = new Set(answers.map((a) => a.mode));
    const answered = new Set(answers.filter((a) => a.item === e.outcomeItem).map((a) => a.mode));
    const purchases = modes.size > 0 && [...modes].every((m) => answered.has(m));
    return {
      design: {
        kind: e.kind,
        modes: e.modes,
        treatment: e.design.treatment,
        held_fixed: held,
        focalism_note: focalismNote(heldNames),
        diagnostics: designDiagnostics(answers, { alpha: ALPHA }),
        demand:
          e.kind === "demand" && purchases
            ? demandStudy(answers, { outcome: e.outcomeItem, alpha: ALPHA })
            : null,
      },
    };
  }
  if (instrument.kind === "game") return { game: await gameReport(store, run, instrument.game) };
  if (instrument.kind === "conjoint") {
    const c = await readConjointRun(store, run.id);
    const attributes = instrument.conjoint.attributes.map((a) => a.name);
    let amce: AmceEstimate | null = null;
    let problem: string | null = null;
    if (c.rows.length === 0) problem = "no person has every task answered yet";
    else {
      try {
        amce = estimateAmce(
          {
            name: `run ${run.id}`,
            rows: c.rows.map((r) => ({ respondent: r.respondent, chosen: r.chosen, ...r.levels })),
          },
          { outcome: "chosen", respondent: "respondent", attributes },
        );
      } catch (error) {
        // Too few people for the regression (a level never shown, one respondent): said, not thrown.
        if (!(error instanceof UserError)) throw error;
        problem = error.message;
      }
    }
    return {
      conjoint: {
        arm: c.arm,
        amce,
        amce_problem: problem,
        left_out: c.leftOut.length,
        repeated: c.repeated.length > 0 ? repeatedTaskAgreement(c.repeated) : null,
      },
    };
  }
  return {};
}

async function gameReport(store: Store, run: RunRecord, g: GameParams): Promise<GameReport> {
  let groups = 0;
  let unmatched = 0;
  for (const job of await store.jobs(run.id)) {
    const inputs = job.inputs as GameInputs | undefined;
    if (inputs?.unmatched) unmatched++;
    else groups++;
  }
  const payoffs = new Map<string, number[]>();
  const roleOf = new Map<string, string>();
  for await (const r of store.responses(run.id)) {
    if (r.status !== "ok") continue;
    const key = `${r.jobId}\u0000${r.agentId}`;
    if (r.item === ROLE_ITEM) roleOf.set(key, String(r.answer));
    if (r.item === PAYOFF_ITEM && typeof r.answer === "number") payoffs.set(key, [r.answer]);
  }
  const byRole = new Map<string, number[]>();
  for (const [key, [p]] of payoffs) {
    const role = roleOf.get(key);
    if (role === undefined) continue;
    byRole.set(role, [...(byRole.get(role) ?? []), p]);
  }
  const roles: GameRoleSummary[] = [];
  const arms = new Set((await store.jobs(run.id)).map((j) => j.arm));
  for (const role of [...new Set(personSeats(g).map((s) => seats(g)[s]))]) {
    const paid = byRole.get(role) ?? [];
    if (role === "recipient" || arms.size > 1) {
      roles.push({
        role,
        people: paid.length,
        decisions: 0,
        move: null,
        payoff: paid.length ? mean(paid) : null,
      });
      continue;
    }
    const { decisions, people } = await readGameDecisions(store, run.id, g, role);
    const perPerson = new Map<string, number[]>();
    for (const d of decisions) perPerson.set(d.person, [...(perPerson.get(d.person) ?? []), d.value]);
    const means = [...perPerson.values()].map((v) => mean(v));
    const m = means.length ? mean(means) : null;
    const half =
      means.length >= 2
        ? tQuantile(1 - ALPHA / 2, means.length - 1) * (sd(means) / Math.sqrt(means.length))
        : null;
    roles.push({
      role,
      people,
      decisions: decisions.length,
      move:
        m === null
          ? null
          : { mean: m, lower: half === null ? null : m - half, upper: half === null ? null : m + half },
      payoff: paid.length ? mean(paid) : null,
    });
  }
  return { game: g.game, partner: describePartner(g), groups, unmatched, roles };
}

function describePartner(g: GameParams): string {
  const p = g.partner;
  if (p.type === "person") return "another simulated person (grouped with the seed)";
  if (p.type === "strategy")
    return `the fixed strategy ${p.strategy}${p.value !== undefined ? ` (${p.value})` : ""}`;
  return `a stated move (${p.move})`;
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(3));

/** The report's sections for the experiment, after the item sections. */
export function experimentSections(e: ExperimentReport): ReportSection[] {
  const out: ReportSection[] = [];
  if (e.design) {
    const d = e.design;
    out.push({
      heading: "Design",
      paragraphs: [
        `Run under ${d.modes.join(", ")} (${d.modes.length > 1 ? "side by side: every person under each mode, in separate calls; arms are named MODE@ARM" : "one mode"}). What is randomized: ${d.treatment}.` +
          (d.modes.includes("blind")
            ? " The blind mode states one arm per call and nothing about the others, which lets a varied treatment move what the model assumes about things left unsaid (Gui & Toubia 2025); the design diagnostics below test for it where the study has a probe."
            : ""),
      ],
    });
    if (d.demand)
      out.push(...demandSections(d.demand, { heldFixed: d.held_fixed.map((h) => `${h.name} (${h.value})`) }));
    else {
      const section = designDiagnosticsSection(
        d.modes.map((mode) => ({ mode, probe: d.diagnostics.find((x) => x.mode === mode)?.probe ?? null })),
        {
          alpha: ALPHA,
          treatment: "treatment",
          heldFixed: d.held_fixed.map((h) => `${h.name} (${h.value})`),
        },
      );
      if (section) out.push(section);
    }
  }
  if (e.game) {
    const g = e.game;
    out.push({
      heading: "Game",
      paragraphs: [
        `The ${g.game.replaceAll("_", " ")} game against ${g.partner}: ${g.groups} episodes played${g.unmatched ? `, ${g.unmatched} people left over (not played; their rows are skipped with the reason)` : ""}.`,
        "Moves are shares of what the player could choose from (the endowment; for the trust receiver what arrived), or 1/0 for cooperate or accept; populace games --run compares them with human play.",
      ],
      table: {
        columns: ["role", "people", "decisions", "mean move [95% CI]", "mean earnings"],
        rows: g.roles.map((r) => [
          r.role,
          r.people,
          r.decisions,
          r.move ? `${f3(r.move.mean)} [${f3(r.move.lower)}, ${f3(r.move.upper)}]` : "—",
          r.payoff,
        ]),
      },
    });
  }
  if (e.conjoint) {
    const c = e.conjoint;
    const lines = [
      c.repeated
        ? `Repeated task: ${c.repeated.n} people chose the same profile again ${f3(c.repeated.agreement)} of the time [${f3(c.repeated.lower)}, ${f3(c.repeated.upper)}] (Wilson 95%): the simulated people's test-retest agreement.`
        : "No repeated task.",
    ];
    if (c.left_out) lines.push(`${c.left_out} people left out of the AMCEs: a task without a valid choice.`);
    if (c.amce_problem) lines.push(`No AMCEs: ${c.amce_problem}.`);
    out.push({ heading: "Conjoint", paragraphs: lines });
    if (c.amce) out.push(...amceSections(c.amce));
  }
  return out;
}

/** The experiment's figures for a terminal. */
export function experimentText(e: ExperimentReport): string[] {
  const lines: string[] = [];
  const d = e.design;
  if (d) {
    lines.push(`design: ${d.modes.join(", ")}; randomized: ${d.treatment}`);
    for (const m of d.demand?.modes ?? []) {
      const c = m.curve;
      lines.push(
        `  ${m.mode.padEnd(10)} slope ${f3(c.slope.estimate)} [${f3(c.slope.lower)}, ${f3(c.slope.upper)}] ${c.sign}, ` +
          `monotone ${c.monotone.decreasing ? "yes" : "no"} (p ${f3(c.monotone.p)}); shares ${c.points.map((p) => p.share.toFixed(2)).join(" ")}`,
      );
    }
    for (const x of d.diagnostics)
      lines.push(
        `  ${x.mode}: probe ${x.probe.moved.length ? `FLAGGED ${x.probe.moved.join(", ")} (moves with the treatment)` : "no variable moves with the treatment"}`,
      );
    if (d.focalism_note) lines.push(`  ${d.focalism_note}`);
  }
  const g = e.game;
  if (g) {
    lines.push(
      `game: ${g.game}, ${g.groups} episodes, ${g.unmatched} people left over; partner: ${g.partner}`,
    );
    for (const r of g.roles)
      lines.push(
        `  ${r.role.padEnd(10)} ${r.people} people, mean move ${r.move ? `${f3(r.move.mean)} [${f3(r.move.lower)}, ${f3(r.move.upper)}]` : "—"}, mean earnings ${f3(r.payoff)}`,
      );
  }
  const c = e.conjoint;
  if (c) {
    lines.push(
      `conjoint (arm ${c.arm}): ${c.amce ? `${c.amce.n_profiles} profiles, ${c.amce.n_respondents} respondents` : "no AMCEs"}`,
    );
    for (const t of c.amce?.terms ?? [])
      lines.push(
        `  ${`${t.attribute}: ${t.level}`.padEnd(30)} ${f3(t.estimate)} [${f3(t.lower)}, ${f3(t.upper)}]`,
      );
    if (c.repeated)
      lines.push(
        `  repeated task: same choice ${f3(c.repeated.agreement)} [${f3(c.repeated.lower)}, ${f3(c.repeated.upper)}] (n ${c.repeated.n})`,
      );
  }
  return lines;
}
