import type { Command } from "commander";
import { register as calibrate } from "./calibrate.ts";
import { register as compare } from "./compare.ts";
import { register as effects } from "./effects.ts";
import { register as mockLlm } from "./mock-llm.ts";
import { register as plan } from "./plan.ts";
import { register as regress } from "./regress.ts";

/** Every CLI command lives in its own file and registers itself here. */
export function registerCommands(program: Command): void {
  for (const register of [compare, effects, regress, calibrate, plan, mockLlm]) register(program);
}
