/**
 * HumanStudy-Bench's classic studies (humanstudy-bench-classic-studies/PROVENANCE.txt): per
 * study, the materials shown to participants, the specification (participants, design) and the
 * aggregate human results reported in the paper (percentages, means, n). Aggregates only: there
 * are no per-participant rows.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dataFile } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

const ROOT = "humanstudy-bench-classic-studies";

export interface ClassicStudyEntry {
  id: string;
  title: string;
  domain: string;
  subdomain: string;
  tags: string[];
}

export interface ClassicMaterialItem {
  id: string;
  question: string;
  options: string[];
  type: string;
}

export interface ClassicMaterial {
  /** The file name in materials/, e.g. "problem_1.json". */
  file: string;
  sub_study_id: string;
  instructions: string;
  items: ClassicMaterialItem[];
}

export interface ClassicTest {
  test_name: string;
  statistical_hypothesis?: string;
  reported_statistics?: string;
  expected_direction?: string;
}

export interface ClassicFinding {
  /** The ground truth's study label, e.g. "Problem 1 & 2". */
  study: string;
  study_name: string;
  finding_id: string;
  main_hypothesis: string;
  tests: ClassicTest[];
  /** original_data_points.data: condition → figures, as the paper reports them. */
  data: unknown;
}

export interface ClassicStudy {
  id: string;
  title: string;
  authors: string[];
  year: number | null;
  participants: { n?: number; population?: string; by_sub_study?: Record<string, { n?: number }> };
  materials: ClassicMaterial[];
  findings: ClassicFinding[];
  /** Where the ground truth was read, for messages. */
  groundTruthFile: string;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UserError(
      `cannot read JSON (${error instanceof SyntaxError ? error.message : ((error as NodeJS.ErrnoException).code ?? error)})`,
      {
        where: path,
      },
    );
  }
}

const obj = (v: unknown, where: string): Record<string, unknown> => {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new UserError("expected an object", { where });
  return v as Record<string, unknown>;
};
const str = (v: unknown, where: string): string => {
  if (typeof v !== "string") throw new UserError("expected text", { where });
  return v;
};
const arr = (v: unknown, where: string): unknown[] => {
  if (!Array.isArray(v)) throw new UserError("expected a list", { where });
  return v;
};

/** The registry of studies (id, title, domain, tags). */
export function listClassicStudies(dataDir: string): ClassicStudyEntry[] {
  const path = dataFile(dataDir, `${ROOT}/registry.json`, "the HumanStudy-Bench registry");
  return arr(obj(readJson(path), path).studies, `${path}: studies`).map((s, i) => {
    const o = obj(s, `${path}: studies[${i}]`);
    return {
      id: str(o.id, `${path}: studies[${i}].id`),
      title: str(o.title, `${path}: studies[${i}].title`),
      domain: String(o.domain ?? ""),
      subdomain: String(o.subdomain ?? ""),
      tags: Array.isArray(o.tags) ? o.tags.map(String) : [],
    };
  });
}

/** One study: its materials, participants and the findings of its ground truth. */
export function readClassicStudy(dataDir: string, id: string): ClassicStudy {
  const known = listClassicStudies(dataDir).map((s) => s.id);
  if (!known.includes(id))
    throw new UserError(`unknown classic study "${id}" (studies: ${known.join(", ")})`);
  const dir = dataFile(dataDir, `${ROOT}/studies/${id}`, `classic study ${id}`);
  const specPath = join(dir, "specification.json");
  const spec = obj(readJson(specPath), specPath);
  const truthPath = join(dir, "ground_truth.json");
  const truth = obj(readJson(truthPath), truthPath);
  const materials = readdirSync(join(dir, "materials"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file): ClassicMaterial => {
      const path = join(dir, "materials", file);
      const m = obj(readJson(path), path);
      return {
        file,
        sub_study_id: str(m.sub_study_id, `${path}: sub_study_id`),
        instructions: str(m.instructions, `${path}: instructions`),
        items: arr(m.items ?? [], `${path}: items`).map((it, i) => {
          const o = obj(it, `${path}: items[${i}]`);
          return {
            id: str(o.id, `${path}: items[${i}].id`),
            question: String(o.question ?? ""),
            options: Array.isArray(o.options) ? o.options.map(String) : [],
            type: String(o.type ?? ""),
          };
        }),
      };
    });
  const findings = arr(truth.studies, `${truthPath}: studies`).flatMap((s, i) => {
    const so = obj(s, `${truthPath}: studies[${i}]`);
    return arr(so.findings ?? [], `${truthPath}: studies[${i}].findings`).map((f, j): ClassicFinding => {
      const where = `${truthPath}: studies[${i}].findings[${j}]`;
      const fo = obj(f, where);
      const points =
        fo.original_data_points === undefined
          ? {}
          : obj(fo.original_data_points, `${where}.original_data_points`);
      return {
        study: String(so.study_id ?? ""),
        study_name: String(so.study_name ?? ""),
        finding_id: str(fo.finding_id, `${where}.finding_id`),
        main_hypothesis: String(fo.main_hypothesis ?? ""),
        tests: arr(fo.statistical_tests ?? [], `${where}.statistical_tests`).map(
          (t) => obj(t, `${where}.statistical_tests`) as unknown as ClassicTest,
        ),
        data: points.data,
      };
    });
  });
  const participants = obj(
    spec.participants ?? {},
    `${specPath}: participants`,
  ) as ClassicStudy["participants"];
  return {
    id,
    title: String(truth.title ?? spec.title ?? id),
    authors: Array.isArray(truth.authors) ? truth.authors.map(String) : [],
    year: typeof truth.year === "number" ? truth.year : null,
    participants,
    materials,
    findings,
    groundTruthFile: truthPath,
  };
}

/** A material by its sub-study id, or an error listing the ones there are. */
export function material(study: ClassicStudy, subStudy: string): ClassicMaterial {
  const m = study.materials.find((x) => x.sub_study_id === subStudy);
  if (!m)
    throw new UserError(
      `${study.id} has no material "${subStudy}" (materials: ${study.materials.map((x) => x.sub_study_id).join(", ")})`,
    );
  return m;
}

/** A number of a finding's reported data by its key path, or an error naming the file and path. */
export function dataPoint(study: ClassicStudy, findingId: string, path: readonly string[]): number {
  const f = study.findings.find((x) => x.finding_id === findingId);
  if (!f) throw new UserError(`${study.id} has no finding ${findingId}`, { where: study.groundTruthFile });
  let v: unknown = f.data;
  for (const key of path)
    v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  if (typeof v !== "number")
    throw new UserError(
      `${findingId} data.${path.join(".")} is ${v === undefined ? "missing" : "not a number"}`,
      {
        where: study.groundTruthFile,
      },
    );
  return v;
}
