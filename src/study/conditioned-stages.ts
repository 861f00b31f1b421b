import { type Agent, type Conditioning, conditionedProfile } from "../agents/index.ts";
import { type JobList, jobSeed, Plan, type PlanInput, type PlannedJob } from "../designs/index.ts";
import {
  BatchRunner,
  type EpisodeProgram,
  EpisodeRunner,
  type ModelEntry,
  type Participant,
  type RequestSettings,
  type Stage,
} from "../engine/index.ts";
import type { FlowItem } from "../instruments/flow.ts";
import { type Found, reflectedAnswers, reflectedSurvey } from "../reflections/index.ts";
import type { StudySpec } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { surveyProgram } from "../survey/index.ts";
import { type ReflectionSetup, type ReflectionStage, reflectionStage } from "./reflection-stages.ts";

/** Between a design arm and a conditioning's label in an arm of conditioning's name. */
export const CONDITIONING_SEPARATOR = "·";

/**
 * The arm of conditioning of an arm's name: what follows "·" (`control·interview` →
 * `interview`) in a study that compares several conditionings; "" otherwise.
 */
export function conditioningOf(arm: string): string {
  const at = arm.indexOf(CONDITIONING_SEPARATOR);
  return at < 0 ? "" : arm.slice(at + CONDITIONING_SEPARATOR.length);
}

/** The name of a design arm under a conditioning (`control·interview`), or the arm's own. */
export function conditionedArm(arm: string, c: Conditioning): string {
  return c.label ? `${arm}${CONDITIONING_SEPARATOR}${c.label}` : arm;
}

/** What the stages of a study beyond one plain answering stage need. */
export interface StageContext {
  store: Store;
  agents: readonly Agent[];
  /** Set when a conditioning is interview+reflection. */
  reflection?: ReflectionSetup;
}

/** One stage of a study, with the jobs it plans (known before it starts) for dry-run estimates. */
export interface StudyStage extends Stage {
  planned: JobList;
  /** The requests its jobs make, for estimates (the reflection stage has its own). */
  settings?: RequestSettings;
  /** Tokens each answering call carries beyond what settings give (the observations' budget). */
  extraTokens?: number;
  /** Each answering call's embedding of its questions (ranking by embeddings), for estimates. */
  embedsQuestions?: boolean;
  reflections?: ReflectionStage;
}

/** A survey's plan as its stages need it. */
export interface SurveyStagesPlan {
  input: PlanInput;
  /** Flow items of a sequential survey; absent for batch flow. */
  flow?: FlowItem[];
  /** The jobs of the first (or only) conditioning's stage. */
  jobs: JobList;
  /**
   * The conditionings run, in the spec's order: one without a label (the plan as it is), or
   * several, each an arm of conditioning with its own answering stage and arms `ARM·LABEL`.
   */
  conditionings: Conditioning[];
}

/**
 * A survey's stages: the reflection stage first when a conditioning uses reflections, then one
 * answering stage per conditioning (batch calls or a sequential survey per person), in the spec's
 * order. A survey of one conditioning without reflections has one stage, as it always had: its
 * jobs, ids and arms do not change.
 */
export function surveyStages(
  runId: string,
  spec: StudySpec,
  plan: SurveyStagesPlan,
  settings: RequestSettings,
  entry: ModelEntry,
  ctx: StageContext,
): StudyStage[] {
  const seedFor = (job: PlannedJob) => jobSeed(spec.seed, job.agentId, job.replicate);
  const stages: StudyStage[] = [];
  const reflective = plan.conditionings.filter((c) => c.mode === "interview+reflection");
  let reflections: ReflectionStage | undefined;
  if (reflective.length > 0) {
    if (!ctx.reflection) throw new Error("internal error: reflections without their setup");
    reflections = reflectionStage(runId, ctx.store, entry, ctx.reflection, ctx.agents, reflective, seedFor);
    stages.push({ ...reflections.stage, planned: reflections.jobs, reflections });
  }
  for (const [i, c] of plan.conditionings.entries()) {
    const index = stages.length;
    const input: PlanInput = { ...plan.input, arms: plan.input.arms.map((a) => conditionedArm(a, c)) };
    if (index > 0) input.stage = index;
    const s: RequestSettings = i === 0 && !c.label ? settings : conditionedSettings(settings, c, ctx.agents);
    // The first conditioning's stage, when it is the only one and the first stage, is the plan as made.
    const jobs = index === 0 && !c.label ? plan.jobs : new Plan(input);
    const name = `${plan.flow ? "survey" : "answers"}${c.label ? CONDITIONING_SEPARATOR + c.label : ""}`;
    if (c.mode === "interview+reflection") {
      let found = new Map<string, Found>();
      const retrieval = {
        reflections: (id: string) => found.get(id) ?? { failed: "no reflection job for this person" },
        budgetTokens: ctx.reflection!.budgetTokens,
        embedder: ctx.reflection!.embedder,
      };
      const program: EpisodeProgram = plan.flow
        ? reflectedSurvey(
            retrieval,
            plan.flow.map((f) => f.question.text),
            surveyProgram(surveySettings(plan.flow, s)),
          )
        : reflectedAnswers({ ...retrieval, ...s });
      stages.push({
        name,
        // Planned once the reflections are written: the answers read them.
        plan: async () => {
          found = await reflections!.found(c);
          return jobs;
        },
        runner: episodeRunner(runId, s, entry, program, seedFor, ctx.reflection!.entries),
        planned: jobs,
        settings: s,
        extraTokens: ctx.reflection!.budgetTokens,
        embedsQuestions: ctx.reflection!.embedder !== undefined,
      });
    } else if (!plan.flow) {
      stages.push({
        name,
        plan: () => jobs,
        runner: new BatchRunner(runId, s, entry),
        planned: jobs,
        settings: s,
      });
    } else {
      const program = surveyProgram(surveySettings(plan.flow, s));
      stages.push({
        name,
        plan: () => jobs,
        runner: episodeRunner(runId, s, entry, program, seedFor),
        planned: jobs,
        settings: s,
      });
    }
  }
  return stages;
}

/** The settings of a conditioning's stage: its profiles, and its arms' names. */
function conditionedSettings(
  settings: RequestSettings,
  c: Conditioning,
  agents: readonly Agent[],
): RequestSettings {
  const profiles = new Map<string, { profile: string; attributes: Record<string, string> }>();
  for (const a of agents) profiles.set(a.id, { profile: conditionedProfile(a, c), attributes: a.attributes });
  const arms = new Map<string, string>();
  for (const [arm, text] of settings.arms) arms.set(conditionedArm(arm, c), text);
  return { ...settings, agents: profiles, arms };
}

function surveySettings(flow: FlowItem[], s: RequestSettings) {
  return {
    items: flow,
    mode: s.mode,
    arms: s.arms,
    temperature: s.temperature,
    maxOutputTokens: s.maxOutputTokens,
  };
}

/** An episode runner over the settings' people (`models`: other participants' own models). */
export function episodeRunner(
  runId: string,
  s: RequestSettings,
  entry: ModelEntry,
  program: EpisodeProgram,
  seedFor: (job: PlannedJob) => number,
  models?: ReadonlyMap<string, ModelEntry>,
): EpisodeRunner {
  const participants = new Map<string, Participant>();
  for (const [id, a] of s.agents) participants.set(id, { id, profile: a.profile, attributes: a.attributes });
  return new EpisodeRunner({
    runId,
    model: entry,
    models: models ? (id) => models.get(id) ?? entry : undefined,
    participants,
    seedFor,
    program,
  });
}
