import type { Agent } from "../agents/index.ts";
import {
  assignArms,
  type JobList,
  jobSeed,
  Plan,
  type PlanInput,
  type PlannedJob,
} from "../designs/index.ts";
import {
  BatchRunner,
  EpisodeRunner,
  type ModelEntry,
  type Participant,
  type RequestSettings,
  type Stage,
} from "../engine/index.ts";
import { UserError } from "../errors/index.ts";
import { optionsOf } from "../instruments/answers.ts";
import type { FlowItem } from "../instruments/flow.ts";
import type { Question } from "../instruments/types.ts";
import { communityStages } from "../simulacra/index.ts";
import type { ItemSpec, StudySpec } from "../spec/index.ts";
import type { Store } from "../store/types.ts";
import { surveyProgram } from "../survey/index.ts";
import {
  type WebActionsSettings,
  type WebActionsTask,
  webActionsJobs,
  webActionsProgram,
} from "../webactions/index.ts";

/** The episode name of a sequential survey's jobs (`AGENT/survey/ARM/rN`). */
export const SURVEY_EPISODE = "survey";

export interface StudyPlan {
  input: PlanInput;
  /** Flow items of a sequential survey; absent for batch flow. */
  flow?: FlowItem[];
  /** A web-action study's sessions and prompt (its jobs are the sessions, not items × people). */
  web?: WebActionsSettings;
  jobs: JobList;
}

/**
 * The plan a spec gives: within subjects every person under every arm, between subjects each
 * person under one arm (seeded, blocked when asked); batch flow asks items_per_call items a call,
 * the sequential flow one job per person asking every item in turns.
 */
export function studyPlan(
  spec: StudySpec,
  agents: readonly Agent[],
  questions: readonly Question[],
  web?: WebActionsTask,
): StudyPlan {
  const arms = spec.design.arms.map((a) => a.name);
  const input: PlanInput = {
    agentIds: agents.map((a) => a.id),
    itemIds: questions.map((q) => q.id),
    arms,
    replicates: spec.design.replicates,
    itemsPerCall: spec.instrument.items_per_call,
  };
  if (spec.design.assignment === "between") {
    input.assignment = assignArms({ agents, arms, blockOn: spec.design.block_on, seed: spec.seed }).arms;
  }
  if (web) {
    const armOf = input.assignment && new Map(agents.map((a, i) => [a.id, input.assignment![i]]));
    const settings: WebActionsSettings = {
      task: web,
      arms: new Map(spec.design.arms.map((a) => [a.name, a.text])),
      temperature: spec.model.temperature,
      maxOutputTokens: spec.model.max_output_tokens,
    };
    return {
      input,
      web: settings,
      jobs: webActionsJobs(web, { arms, replicates: spec.design.replicates, armOf }),
    };
  }
  if (spec.instrument.flow !== "sequential") return { input, jobs: new Plan(input) };
  input.episode = SURVEY_EPISODE;
  return { input, flow: flowItems(spec, questions), jobs: new Plan(input) };
}

/** A web-action job's model seed: per session (a shopper's sessions differ) and replicate. */
export function webActionsSeed(spec: StudySpec, job: PlannedJob): number {
  return jobSeed(spec.seed, `${job.agentId}/${String(job.inputs?.session)}`, job.replicate);
}

/** The sequential survey's items with their rules; a GSS item's options are known only now, so conditions on them are checked here. */
function flowItems(spec: StudySpec, questions: readonly Question[]): FlowItem[] {
  const byId = new Map(questions.map((q) => [q.id, q]));
  return spec.instrument.items.map((item: ItemSpec, i) => {
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
      randomizeOptions: item.randomize_options ?? spec.instrument.randomize_options ?? false,
    };
  });
}

/**
 * The run's stages: a survey's one (batch calls or a sequential episode per person), the
 * web-action task's (an episode per session), or a community's.
 */
export function studyStages(
  runId: string,
  spec: StudySpec,
  plan: StudyPlan,
  settings: RequestSettings,
  entry: ModelEntry,
  store: Store,
): Stage[] {
  const community = spec.instrument.community;
  if (community) {
    return communityStages({
      runId,
      store,
      community,
      seed: spec.seed,
      maxOutputTokens: spec.model.max_output_tokens,
      entry,
    });
  }
  const jobs = plan.jobs;
  if (plan.web) {
    const runner = new EpisodeRunner({
      runId,
      model: entry,
      participants: participantsOf(settings),
      seedFor: (job) => webActionsSeed(spec, job),
      program: webActionsProgram(plan.web),
    });
    return [{ name: "webactions", plan: () => jobs, runner }];
  }
  if (!plan.flow) {
    return [{ name: "answers", plan: () => jobs, runner: new BatchRunner(runId, settings, entry) }];
  }
  const runner = new EpisodeRunner({
    runId,
    model: entry,
    participants: participantsOf(settings),
    seedFor: (job) => jobSeed(spec.seed, job.agentId, job.replicate),
    program: surveyProgram({
      items: plan.flow,
      mode: settings.mode,
      arms: settings.arms,
      temperature: settings.temperature,
      maxOutputTokens: settings.maxOutputTokens,
    }),
  });
  return [{ name: "survey", plan: () => jobs, runner }];
}

function participantsOf(settings: RequestSettings): Map<string, Participant> {
  const participants = new Map<string, Participant>();
  for (const [id, a] of settings.agents)
    participants.set(id, { id, profile: a.profile, attributes: a.attributes });
  return participants;
}
