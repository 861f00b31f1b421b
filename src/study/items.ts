import { UserError } from "../errors/index.ts";
import { gssItems } from "../instruments/index.ts";
import type { Question } from "../instruments/types.ts";
import { formatPath, type ItemSpec, type LoadedStudy, SpecError, type SpecProblem } from "../spec/index.ts";

/**
 * Turns the spec's items into questions; GSS items are read from the codebook in the data
 * directory. Given the study file, every unknown GSS item is reported at its line.
 */
export function resolveQuestions(
  items: readonly ItemSpec[],
  dataDir: string,
  study?: Pick<LoadedStudy, "file" | "locate">,
): Question[] {
  const problems: SpecProblem[] = [];
  const questions = items.map((item, i): Question => {
    if ("gss" in item) {
      try {
        return gssItems(dataDir, [item.gss])[0];
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        const path = ["instrument", "items", i, "gss"];
        problems.push({ path: formatPath(path), location: study?.locate?.(path), message: error.message });
        return { id: item.gss, type: "free_text", text: "" };
      }
    }
    switch (item.type) {
      case "multiple_choice":
      case "likert":
        return { id: item.id, type: item.type, text: item.text, options: item.options };
      case "yes_no":
        return { id: item.id, type: "yes_no", text: item.text, options: ["Yes", "No"] };
      case "linear_scale": {
        const ends =
          item.min_label && item.max_label
            ? ` (${item.min} = ${item.min_label}, ${item.max} = ${item.max_label})`
            : "";
        return {
          id: item.id,
          type: "linear_scale",
          text: `${item.text}${ends}`,
          min: item.min,
          max: item.max,
        };
      }
      case "numeric":
        return { id: item.id, type: "numeric", text: item.text, min: item.min, max: item.max };
      default:
        return { id: item.id, type: "free_text", text: item.text };
    }
  });
  if (problems.length > 0) {
    if (study) throw new SpecError(study.file, problems);
    throw new UserError(problems[0].message, { where: problems[0].path });
  }
  return questions;
}
