import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { didYouMean, UserError } from "../errors/index.ts";
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
  /** file:line:col of a field path (its deepest part present in the file); absent for specs built in code. */
  locate?: (path: readonly PropertyKey[]) => string;
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

/** A spec larger than this is not a hand-written study (a data file given by mistake). */
const MAX_SPEC_BYTES = 16 * 1024 * 1024;
const MAX_SYNTAX_PROBLEMS = 5;
/** Top-level keys: a file with YAML errors and none of these is not a study spec at all. */
const STUDY_KEYS = Object.keys(studySchema.shape);

/** Parse and validate a study; every problem is reported, each with its path and line. */
export function parseStudy(text: string, file = "study.yaml"): LoadedStudy {
  if (text.includes("\u0000")) throw notASpec(file, "it holds binary data");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const at = (offset: number) => position(lineCounter, file, offset);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const problems: SpecProblem[] = doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).map((e) => ({
      path: "",
      location: e.linePos ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file,
      message: `YAML syntax: ${syntaxMessage(e.message)}`,
    }));
    if (!looksLikeStudy(doc.contents)) {
      throw notASpec(file, `YAML syntax error at ${problems[0].location}: ${syntaxMessage(first.message)}`);
    }
    const more = doc.errors.length - problems.length;
    if (more > 0) problems.push({ path: "", location: file, message: `and ${more} more YAML syntax errors` });
    throw new SpecError(file, problems);
  }
  const refused = aliasProblems(doc, at);
  if (refused.length > 0) throw new SpecError(file, refused);
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw notASpec(
      file,
      "its top level is not a YAML mapping of keys such as name:, population:, instrument:",
    );
  }
  const data = doc.toJS();
  const result = studySchema.safeParse(data ?? {});
  if (!result.success) {
    throw new SpecError(
      file,
      flatten(result.error.issues, data).flatMap((issue) => problemsOf(issue, doc, lineCounter, file, data)),
    );
  }
  const version = createHash("sha256").update(JSON.stringify(result.data)).digest("hex").slice(0, 16);
  return {
    spec: result.data,
    file,
    version,
    locate: (path) => locate(doc, lineCounter, path, file) ?? file,
  };
}

/**
 * Another YAML file Populace reads (an interview script), validated by its own zod schema with
 * the study spec's rules: problems with their field path and line, no aliases or merge keys.
 */
export function parseYamlWith<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  what: string,
): z.infer<S> {
  if (text.includes("\u0000")) throw new UserError(`not ${what}: it holds binary data`, { where: file });
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      file,
      doc.errors.slice(0, MAX_SYNTAX_PROBLEMS).map((e) => ({
        path: "",
        location: e.linePos ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file,
        message: `YAML syntax: ${syntaxMessage(e.message)}`,
      })),
    );
  }
  const refused = aliasProblems(doc, (offset) => position(lineCounter, file, offset), what);
  if (refused.length > 0) throw new SpecError(file, refused);
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new UserError(`not ${what}: its top level is not a YAML mapping of keys`, { where: file });
  }
  const data = doc.toJS();
  const result = schema.safeParse(data ?? {});
  if (!result.success) {
    throw new SpecError(
      file,
      flatten(result.error.issues, data).flatMap((issue) =>
        problemsOf(issue, doc, lineCounter, file, data, schema),
      ),
    );
  }
  return result.data;
}

export function loadStudy(file: string): LoadedStudy {
  let bytes: Buffer;
  try {
    const info = statSync(file);
    if (info.isDirectory()) throw new UserError("is a folder, not a study spec (YAML file)", { where: file });
    if (info.size > MAX_SPEC_BYTES) {
      throw notASpec(
        file,
        `it is ${(info.size / 1024 / 1024).toFixed(0)} MB; a study spec is a small YAML text file`,
      );
    }
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read study spec (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: file,
    });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw notASpec(file, "it is not UTF-8 text (a binary file?)");
  }
  return parseStudy(text, file);
}

type YamlDoc = ReturnType<typeof parseDocument>;

function position(lineCounter: LineCounter, file: string, offset: number): string {
  const pos = lineCounter.linePos(offset);
  return `${file}:${pos.line}:${pos.col}`;
}

function notASpec(file: string, why: string): UserError {
  return new UserError(`not a YAML study spec: ${why}`, { where: file });
}

/** The first line of a yaml error, without the position (it is given apart). */
function syntaxMessage(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function looksLikeStudy(contents: unknown): boolean {
  return (
    isMap(contents) && contents.items.some((p) => isScalar(p.key) && STUDY_KEYS.includes(String(p.key.value)))
  );
}

/**
 * Aliases (`*name`) and merge keys (`<<`) are refused outright: a study spec is short enough to
 * write out, an unresolved alias is an error anyway, and refusing them means no alias bomb
 * (aliases of aliases, expanding to billions of nodes) is ever expanded.
 */
function aliasProblems(doc: YamlDoc, at: (offset: number) => string, what = "a study spec"): SpecProblem[] {
  const problems: SpecProblem[] = [];
  let total = 0;
  visit(doc, {
    Alias(_, node) {
      if (total++ < MAX_SYNTAX_PROBLEMS) {
        problems.push({
          path: "",
          location: node.range ? at(node.range[0]) : undefined,
          message: `YAML alias *${node.source} is not supported in ${what}: write the value out in full`,
        });
      }
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "<<" && total++ < MAX_SYNTAX_PROBLEMS) {
        problems.push({
          path: "",
          location: pair.key.range ? at(pair.key.range[0]) : undefined,
          message: `YAML merge key << is not supported in ${what}: write the keys out in full`,
        });
      }
    },
  });
  if (total > problems.length) {
    problems.push({ path: "", message: `and ${total - problems.length} more aliases or merge keys` });
  }
  return problems;
}

type Issue = z.core.$ZodIssue;

/**
 * A union (a GSS item or a written-out question; a survey, a game or a template) fails in every
 * branch; report the branch the user most likely meant: the first one named by a key only it
 * knows (`community:`, `game:`, `gss:`), else the one that knows most of the keys written there,
 * then the one with the fewest complaints (ties go to the later, more specific branch), with its
 * issues' paths made absolute. A branch that rejects the value's very type (a list where a name
 * was given) is the least likely.
 */
function flatten(issues: readonly Issue[], data: unknown): Issue[] {
  const out: Issue[] = [];
  const weight = (branch: readonly Issue[]) =>
    branch.length + (branch.some((i) => i.code === "invalid_type" && i.path.length === 0) ? 1000 : 0);
  for (const issue of issues) {
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const { known, named } = unionScores(issue.path, data);
      let best = 0;
      issue.errors.forEach((branch, i) => {
        const better =
          (known[i] ?? 0) > (known[best] ?? 0) ||
          ((known[i] ?? 0) === (known[best] ?? 0) && weight(branch) <= weight(issue.errors[best]));
        if (better) best = i;
      });
      if (named !== undefined) best = named;
      out.push(
        ...flatten(
          issue.errors[best].map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue),
          data,
        ),
      );
    } else out.push(issue);
  }
  return out;
}

/**
 * For the union at `path`: how many of the keys written there each of its options knows, and the
 * first option named by a written key no other option knows.
 */
function unionScores(path: readonly PropertyKey[], data: unknown): { known: number[]; named?: number } {
  let defs = [defOf(studySchema)];
  let value = data;
  for (const segment of path) {
    const parent = value;
    value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
    defs = defs
      .flatMap((d) => branches(d, parent))
      .flatMap((d) => {
        const next =
          d.type === "object" ? d.shape?.[String(segment)] : d.type === "array" ? d.element : d.valueType;
        return next ? [defOf(next)] : [];
      });
  }
  const union = defs.map(unwrap).find((d) => d.type === "union");
  if (!union?.options || !value || typeof value !== "object") return { known: [] };
  const written = Object.keys(value);
  const keysOf = union.options.map((o) => {
    const shapes = branches(defOf(o), value).flatMap((d) => (d.shape ? [d.shape] : []));
    // A key a branch refuses outright (z.never) is not one it knows.
    return new Set(
      shapes.flatMap((shape) => Object.keys(shape).filter((k) => unwrap(defOf(shape[k])).type !== "never")),
    );
  });
  const known = keysOf.map((keys) => written.filter((k) => keys.has(k)).length);
  const named = keysOf.findIndex((keys, i) =>
    written.some((k) => keys.has(k) && keysOf.every((other, j) => j === i || !other.has(k))),
  );
  return { known, named: named < 0 ? undefined : named };
}

/** A schema without its optional/default/pipe wrappers. */
function unwrap(def: Def): Def {
  if (def.innerType) return unwrap(defOf(def.innerType));
  if (def.type === "pipe" && def.in) return unwrap(defOf(def.in));
  return def;
}

function describe(issue: Issue): string {
  if (issue.code === "invalid_union") {
    const options = "options" in issue ? (issue.options as unknown[]) : [];
    return options.length > 0
      ? `unknown ${String(issue.path.at(-1) ?? "value")}; expected one of ${options.map((o) => JSON.stringify(o)).join(", ")}`
      : `unknown ${String(issue.path.at(-1) ?? "value")}`;
  }
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) return "required";
  return issue.message;
}

/**
 * The problems of one issue. An unknown key is reported at the key's own line, one problem per
 * key, with the nearest key the schema allows there when it looks like a typo.
 */
function problemsOf(
  issue: Issue,
  doc: YamlDoc,
  lineCounter: LineCounter,
  file: string,
  data: unknown,
  schema: z.ZodType = studySchema,
): SpecProblem[] {
  if (issue.code !== "unrecognized_keys") {
    return [
      {
        path: formatPath(issue.path),
        location: locate(doc, lineCounter, issue.path, file),
        message: describe(issue),
      },
    ];
  }
  const allowed = keysAt(schema, issue.path, data);
  return issue.keys.map((key) => {
    const path = [...issue.path, key];
    const parent = doc.getIn(issue.path as (string | number)[], true);
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    const location = range
      ? position(lineCounter, file, range[0])
      : locate(doc, lineCounter, issue.path, file);
    // A schema may say why a key does not belong (a survey's keys beside a community); else zod's default.
    const message = issue.message.startsWith("Unrecognized key")
      ? `unknown key "${key}"${didYouMean(key, allowed)}`
      : issue.message;
    return { path: formatPath(path), location, message };
  });
}

/** Zod's definition of a schema (the fields keysAt reads). */
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  discriminator?: string;
  values?: unknown[];
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** The schemas `def` may stand for once wrappers are removed; for a union, the branches `data` fits. */
function branches(def: Def, data: unknown): Def[] {
  if (def.innerType) return branches(defOf(def.innerType), data);
  if (def.type === "pipe" && def.in) return branches(defOf(def.in), data);
  if (def.type === "union" && def.options) {
    const options = def.options.map(defOf);
    const key = def.discriminator;
    if (key && data && typeof data === "object") {
      const value = (data as Record<string, unknown>)[key];
      const chosen = options.filter((o) => defOf(o.shape?.[key]).values?.includes(value));
      if (chosen.length > 0) return chosen.flatMap((o) => branches(o, data));
    }
    const all = options.flatMap((o) => branches(o, data));
    // Without a discriminator, the branches that know most of the keys written are the ones meant.
    if (!data || typeof data !== "object") return all;
    const written = Object.keys(data);
    const score = (d: Def) => written.filter((k) => d.shape && k in d.shape).length;
    const best = Math.max(...all.map(score));
    return best > 0 ? all.filter((d) => score(d) === best) : all;
  }
  return [def];
}

/** Keys the schema allows for the object at `path` of `data`. */
function keysAt(schema: unknown, path: readonly PropertyKey[], data: unknown): string[] {
  let defs = branches(defOf(schema), data);
  let value = data;
  for (const segment of path) {
    value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
    defs = defs.flatMap((d) => {
      const next =
        d.type === "object" ? d.shape?.[String(segment)] : d.type === "array" ? d.element : d.valueType;
      return next ? branches(defOf(next), value) : [];
    });
  }
  return [...new Set(defs.flatMap((d) => (d.type === "object" ? Object.keys(d.shape ?? {}) : [])))];
}

/** The line:col of the deepest node of `path` that exists in the YAML document. */
function locate(
  doc: YamlDoc,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  file: string,
): string | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true) as {
      range?: [number, number, number];
    };
    if (node && typeof node === "object" && node.range) return position(lineCounter, file, node.range[0]);
  }
  return undefined;
}
