import { writeFileSync } from "node:fs";
import { UserError } from "../errors/index.ts";

/** Write a report page, turning a filesystem failure into a UserError naming the path. */
export function writeHtml(path: string, html: string): void {
  try {
    writeFileSync(path, html);
  } catch (error) {
    throw new UserError(`cannot write the HTML report (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: path,
    });
  }
}
