import type { Command } from "commander";
import { register as agentsPreview } from "./agents-preview.ts";
import { register as agentsShow } from "./agents-show.ts";
import { register as amce } from "./amce.ts";
import { register as calibrate } from "./calibrate.ts";
import { register as classic } from "./classic.ts";
import { register as compare } from "./compare.ts";
import { register as demand } from "./demand.ts";
import { register as demo } from "./demo.ts";
import { register as effects } from "./effects.ts";
import { register as finetuneCompare } from "./finetune-compare.ts";
import { register as finetuneExport } from "./finetune-export.ts";
import { register as finetuneLaunch } from "./finetune-launch.ts";
import { register as finetuneStatus } from "./finetune-status.ts";
import { register as games } from "./games.ts";
import { register as interview } from "./interview.ts";
import { register as ledger } from "./ledger.ts";
import { register as margins } from "./margins.ts";
import { register as mockLlm } from "./mock-llm.ts";
import { register as multiverse } from "./multiverse.ts";
import { register as plan } from "./plan.ts";
import { register as regress } from "./regress.ts";
import { register as report } from "./report.ts";
import { register as results } from "./results.ts";
import { register as run } from "./run.ts";
import { register as schema } from "./schema.ts";
import { register as serve } from "./serve.ts";
import { register as simulacraBelievability } from "./simulacra-believability.ts";
import { register as simulacraCompare } from "./simulacra-compare.ts";
import { register as simulacraJudge } from "./simulacra-judge.ts";
import { register as threads } from "./threads.ts";
import { register as transcript } from "./transcript.ts";
import { register as validate } from "./validate.ts";
import { register as webactionsImport } from "./webactions-import.ts";
import { register as webactionsPredictions } from "./webactions-predictions.ts";
import { register as webactionsReason } from "./webactions-reason.ts";
import { register as webactionsScore } from "./webactions-score.ts";
import { register as weight } from "./weight.ts";
import { register as whatif } from "./whatif.ts";

/** Every CLI command lives in its own file and registers itself here, in pipeline order. */
export function registerCommands(program: Command): void {
  for (const register of [
    demo,
    validate,
    schema,
    agentsPreview,
    agentsShow,
    run,
    results,
    transcript,
    interview,
    report,
    compare,
    effects,
    regress,
    amce,
    games,
    demand,
    classic,
    calibrate,
    plan,
    webactionsImport,
    webactionsReason,
    webactionsScore,
    webactionsPredictions,
    finetuneExport,
    finetuneLaunch,
    finetuneStatus,
    finetuneCompare,
    margins,
    weight,
    ledger,
    threads,
    whatif,
    multiverse,
    simulacraCompare,
    simulacraJudge,
    simulacraBelievability,
    serve,
    mockLlm,
  ]) {
    register(program);
  }
}
