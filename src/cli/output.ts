import { once } from "node:events";
import { createWriteStream, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { finished } from "node:stream/promises";
import type { Command } from "commander";
import { UserError } from "../errors/index.ts";
import { type ReportDoc, renderReport } from "../report/index.ts";

/**
 * Every file the CLI writes goes to a temporary file in the same folder and is renamed over the
 * target when complete, so an interrupted or failed export never leaves a partial file that looks
 * whole (a rename within a folder is atomic).
 */
function temporaryBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
}

function writeError(path: string, error: unknown): UserError {
  if (error instanceof UserError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new UserError(`cannot write the file (${code ?? (error as Error).message ?? error})`, {
    where: path,
  });
}

/** Writes `content` to `path` all at once (see temporaryBeside). */
export function writeFileAtomic(path: string, content: string): void {
  const temporary = temporaryBeside(path);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw writeError(path, error);
  }
}

export type WriteLine = (text: string) => Promise<void>;

/**
 * Streams an export to `path` (through a temporary file, renamed once `produce` has finished) or,
 * without a path, to stdout. If `produce` fails, the temporary file is removed and the target is
 * left as it was.
 */
export async function exportTo(
  path: string | undefined,
  produce: (write: WriteLine) => Promise<void>,
): Promise<void> {
  if (path === undefined) {
    const out = process.stdout;
    await produce((text) =>
      out.write(text) ? Promise.resolve() : new Promise((done) => out.once("drain", done)),
    );
    return;
  }
  const temporary = temporaryBeside(path);
  const out = createWriteStream(temporary);
  const closed = finished(out); // rejects on a write error (a full disk, a removed folder)
  closed.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled
  const write: WriteLine = (text) =>
    out.write(text) ? Promise.resolve() : Promise.race([once(out, "drain").then(() => {}), closed]);
  let writing = false;
  try {
    await produce(write);
    writing = true;
    out.end();
    await closed;
    renameSync(temporary, path);
  } catch (error) {
    out.destroy();
    rmSync(temporary, { force: true });
    // A failure of the data (a damaged database) is reported as it is; one of the file as such.
    throw writing || isFileError(error) ? writeError(path, error) : error;
  }
}

function isFileError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException)?.syscall === "string";
}

/** Write a report page (see writeFileAtomic) and say where it went. */
export function writeHtml(path: string, html: string): void {
  writeFileAtomic(path, html);
  process.stderr.write(`HTML report written to ${path}\n`);
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
