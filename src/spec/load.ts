import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { UserError } from "../errors/index.ts";
import { type StudySpec, studySchema } from "./schema.ts";

export interface SpecProblem {
  /** Field path like instrument.items[3].options, or "" for the whole file. */
  path: string;
  /** file:line:col when it can be located. */
  location?: string;
  message: string;
}

export interface LoadedStudy {
  spec: StudySpec;
  file: string;
  /** Hash of the normalized spec: part of every job id, so editing the study starts new jobs. */
  version: string;
}

export class SpecError extends UserError {
  readonly problems: SpecProblem[];
  constructor(file: string, problems: SpecProblem[]) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n` +
        problems.map((p) => `  ${p.location ?? file}  ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n"),
    );
    this.problems = problems;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Parse and validate a study; every problem is reported, each with its path and line. */
export function parseStudy(text: string, file = "study.yaml"): LoadedStudy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      file,
      doc.errors.map((e) => ({
        path: "",
        location: e.linePos ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file,
        message: `YAML syntax: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    );
  }
  const data = doc.toJS();
  const result = studySchema.safeParse(data ?? {});
  if (!result.success) {
    throw new SpecError(
      file,
      flatten(result.error.issues).map((issue) => ({
        path: formatPath(issue.path),
        location: locate(doc, lineCounter, issue.path, file),
        message: describe(issue),
      })),
    );
  }
  const version = createHash("sha256").update(JSON.stringify(result.data)).digest("hex").slice(0, 16);
  return { spec: result.data, file, version };
}

export function loadStudy(file: string): LoadedStudy {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(`cannot read study spec (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: file,
    });
  }
  return parseStudy(text, file);
}

type Issue = z.core.$ZodIssue;

/**
 * A union (a GSS item or a written-out question) fails in every branch; report the branch the
 * user most likely meant: the one with the fewest complaints (ties go to the later, more
 * specific branch), with its issues' paths made absolute.
 */
function flatten(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      let best = issue.errors[0];
      for (const branch of issue.errors) if (branch.length <= best.length) best = branch;
      out.push(
        ...flatten(best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue)),
      );
    } else out.push(issue);
  }
  return out;
}

function describe(issue: Issue): string {
  if (issue.code === "invalid_union") {
    const options = "options" in issue ? (issue.options as unknown[]) : [];
    return options.length > 0
      ? `unknown ${String(issue.path.at(-1) ?? "value")}; expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}`
      : `unknown ${String(issue.path.at(-1) ?? "value")}`;
  }
  if (issue.code === "unrecognized_keys")
    return `unknown key${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) return "required";
  return issue.message;
}

/** The line:col of the deepest node of `path` that exists in the YAML document. */
function locate(
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  file: string,
): string | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as {
      range?: [number, number, number];
    };
    if (node && typeof node === "object" && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return `${file}:${pos.line}:${pos.col}`;
    }
  }
  return undefined;
}
