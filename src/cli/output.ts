import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { UserError } from "../errors/index.ts";
import { type ReportDoc, renderReport } from "../report/index.ts";

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

export interface ReportFlags {
  json?: boolean;
  html?: string;
  title?: string;
}

/** The outputs of a human-vs-simulated comparison: --json, --html FILE with its --title. */
export function withReportOptions(command: Command): Command {
  return command
    .option("--json", "print one JSON document")
    .option("--html <file>", "write a self-contained HTML report")
    .option("--title <text>", "title of the HTML report");
}

/** Writes the HTML report if asked, then the result as JSON or as the command's text summary. */
export function emitResult(
  flags: ReportFlags,
  result: unknown,
  doc: (options: { title?: string }) => ReportDoc,
  text: () => string,
): void {
  if (flags.html) writeHtml(flags.html, renderReport(doc({ title: flags.title })));
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${text()}\n`);
}
