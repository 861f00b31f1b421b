import type { Agent, Conditioning } from "../agents/index.ts";
import { conjointJobs, conjointProgram } from "../conjoint/index.ts";
import {
  assignArms,
  type JobList,
  jobSeed,
  Plan,
  type PlanInput,
  type PlannedJob,
} from "../designs/index.ts";
import type { DesignCall } from "../designs/modes/index.ts";
import type { EpisodeProgram, ModelEntry, RequestSettings } from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import { designJobs, designProgram } from "../experiments/index.ts";
import { gameJobs, gameProgram } from "../games/index.ts";
import { optionsOf } from "../instruments/answers.ts";
import type { FlowItem } from "../instruments/flow.ts";
import { seats } from "../instruments/games/index.ts";
import type { Question } from "../instruments/types.ts";
import { communityStages } from "../simulacra/index.ts";
import { type CommunitySpec, type ItemSpec, type StudySpec, surveyOf } from "../spec/index.ts";
import { type WebActionsSettings, webActionsJobs, webActionsProgram } from "../webactions/index.ts";
import { episodeRunner, type StageContext, type StudyStage, surveyStages } from "./conditioned-stages.ts";
import type { StudyInstrument } from "./instrument.ts";
import { studyConditionings } from "./population.ts";

/** The episode name of a sequential survey's jobs (`AGENT/survey/ARM/rN`). */
export const SURVEY_EPISODE = "survey";

/** A study's jobs, and what its runner needs to carry them out. */
export type StudyPlan = {
  jobs: JobList;
  notes: string[];
} /** A survey runs one answering stage per conditioning (see surveyStages). */ & (
  | { kind: "survey"; input: PlanInput; flow?: FlowItem[]; conditionings: Conditioning[] }
  | {
      kind: "design";
      instrument: Extract<StudyInstrument, { kind: "design" }>;
      calls: Map<string, DesignCall>;
    }
  | { kind: "game"; instrument: Extract<StudyInstrument, { kind: "game" }> }
  | { kind: "conjoint"; instrument: Extract<StudyInstrument, { kind: "conjoint" }> }
  | { kind: "webactions"; web: WebActionsSettings }
  /** A community plans its own stages (personas, posts, replies) when they start. */
  | { kind: "community"; community: CommunitySpec }
);

/**
 * The plan a spec gives. A survey: within subjects every person under every arm, between subjects
 * each person under one arm (seeded, blocked when asked); batch flow asks items_per_call items a
 * call, the sequential flow one job per person asking every item in turns. A design: a job per
 * call of every mode; a game: a job per group; a conjoint study: a job per person's tasks.
 */
export function studyPlan(spec: StudySpec, agents: readonly Agent[], instrument: StudyInstrument): StudyPlan {
  const d = spec.design;
  const arms = d.arms.map((a) => a.name);
  const people = agents.map((a) => ({ id: a.id, attributes: a.attributes }));
  const conditionings = studyConditionings(spec.population, agents[0]?.source);
  if (instrument.kind !== "survey") oneConditioning(instrument.kind, conditionings);
  if (instrument.kind === "design") {
    const p = designJobs(instrument.experiment, people, d.replicates, spec.seed);
    return { kind: "design", jobs: p.jobs, instrument, calls: p.calls, notes: [] };
  }
  if (instrument.kind === "game") {
    const p = gameJobs(
      instrument.game,
      people,
      { arms, replicates: d.replicates, assignment: d.assignment, blockOn: d.block_on },
      spec.seed,
    );
    const notes =
      p.unmatched > 0
        ? [
            `game: ${p.groups} groups; ${p.unmatched} ${p.unmatched === 1 ? "person was" : "people were"} left over (the population does not divide into groups of ${seats(instrument.game).length}) and did not play: their rows are skipped, with the reason`,
          ]
        : [];
    return { kind: "game", jobs: p.jobs, instrument, notes };
  }
  if (instrument.kind === "community") {
    return { kind: "community", community: instrument.community, jobs: [], notes: [] };
  }
  const assignment =
    d.assignment === "between"
      ? assignArms({ agents, arms, blockOn: d.block_on, seed: spec.seed }).arms
      : undefined;
  if (instrument.kind === "webactions") {
    const armOf = assignment && new Map(agents.map((a, i) => [a.id, assignment[i]]));
    const web: WebActionsSettings = {
      task: instrument.task,
      arms: new Map(d.arms.map((a) => [a.name, a.text])),
      temperature: spec.model.temperature,
      maxOutputTokens: spec.model.max_output_tokens,
    };
    return {
      kind: "webactions",
      web,
      jobs: webActionsJobs(instrument.task, { arms, replicates: d.replicates, armOf }),
      notes: [],
    };
  }
  if (instrument.kind === "conjoint") {
    const jobs = conjointJobs(
      instrument.conjoint,
      agents.map((a) => a.id),
      arms,
      assignment,
      d.replicates,
      spec.seed,
    );
    return { kind: "conjoint", jobs, instrument, notes: [] };
  }
  const survey = surveyOf(spec.instrument)!;
  const input: PlanInput = {
    agentIds: agents.map((a) => a.id),
    itemIds: instrument.questions.map((q) => q.id),
    arms,
    replicates: d.replicates,
    itemsPerCall: survey.items_per_call,
  };
  if (assignment) input.assignment = assignment;
  if (survey.flow !== "sequential") {
    return { kind: "survey", input, jobs: new Plan(input), conditionings, notes: [] };
  }
  input.episode = SURVEY_EPISODE;
  return {
    kind: "survey",
    input,
    jobs: new Plan(input),
    flow: flowItems(spec, instrument.questions),
    conditionings,
    notes: [],
  };
}

/** Conditionings side by side, and reflections, are stages of a survey; other kinds take one. */
function oneConditioning(kind: StudyInstrument["kind"], conditionings: readonly Conditioning[]): void {
  const what = kind === "design" ? "an experiment" : `a ${kind === "webactions" ? "web-action" : kind} study`;
  if (conditionings.length > 1) {
    throw new UserError(`${what} runs under one conditioning; compare conditionings in a survey`, {
      where: "population.conditioning",
    });
  }
  if (conditionings[0]?.mode === "interview+reflection") {
    throw new UserError(`${what} cannot use interview+reflection (reflections feed survey answers)`, {
      where: "population.conditioning",
    });
  }
}

/** The sequential survey's items with their rules; a GSS item's options are known only now, so conditions on them are checked here. */
function flowItems(spec: StudySpec, questions: readonly Question[]): FlowItem[] {
  const survey = surveyOf(spec.instrument)!;
  const byId = new Map(questions.map((q) => [q.id, q]));
  return survey.items.map((item: ItemSpec, i) => {
    const question = questions[i];
    for (const [field, condition] of [
      ["when", item.when],
      ["stop_when", item.stop_when],
    ] as const) {
      if (!condition?.in) continue;
      const target = byId.get(condition.item);
      const options = target ? optionsOf(target) : undefined;
      const bad = options ? condition.in.find((v) => !options.includes(String(v))) : undefined;
      if (bad !== undefined) {
        throw new UserError(`"${bad}" is not an option of "${condition.item}" (${options!.join(", ")})`, {
          where: `instrument.items[${i}].${field}.in`,
        });
      }
    }
    return {
      question,
      when: item.when,
      stopWhen: item.stop_when,
      randomizeOptions: item.randomize_options ?? survey.randomize_options ?? false,
    };
  });
}

/** A web-action job's model seed: per session (a shopper's sessions differ) and replicate. */
export function webActionsSeed(spec: StudySpec, job: PlannedJob): number {
  return jobSeed(spec.seed, `${job.agentId}/${String(job.inputs?.session)}`, job.replicate);
}

/**
 * The run's stages: the survey's (see surveyStages), the design calls, the games, the conjoint
 * tasks, the web-action sessions, or a community's stages.
 */
export function studyStages(
  runId: string,
  spec: StudySpec,
  plan: StudyPlan,
  settings: RequestSettings,
  entry: ModelEntry,
  ctx: StageContext,
): StudyStage[] {
  if (plan.kind === "community") {
    return communityStages({
      runId,
      store: ctx.store,
      community: plan.community,
      seed: spec.seed,
      maxOutputTokens: spec.model.max_output_tokens,
      entry,
    }).map((stage) => ({ ...stage, planned: [] }));
  }
  if (plan.kind === "survey") return surveyStages(runId, spec, plan, settings, entry, ctx);
  const common = { temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens };
  const episodes = (
    name: string,
    program: EpisodeProgram,
    seedFor = (job: PlannedJob) => jobSeed(spec.seed, job.agentId, job.replicate),
  ): StudyStage[] => [
    {
      name,
      plan: () => plan.jobs,
      runner: episodeRunner(runId, settings, entry, program, seedFor),
      planned: plan.jobs,
      settings,
    },
  ];
  switch (plan.kind) {
    case "design":
      return episodes(
        "design",
        designProgram({ experiment: plan.instrument.experiment, calls: plan.calls, ...common }),
      );
    case "game":
      return episodes(
        "game",
        gameProgram({
          game: plan.instrument.game,
          arms: settings.arms,
          seedFor: (agentId, replicate) => jobSeed(spec.seed, agentId, replicate),
          ...common,
        }),
      );
    case "conjoint":
      return episodes(
        "conjoint",
        conjointProgram({ wording: plan.instrument.wording, arms: settings.arms, ...common }),
      );
    case "webactions":
      return episodes("webactions", webActionsProgram(plan.web), (job) => webActionsSeed(spec, job));
  }
}
