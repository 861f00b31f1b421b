/**
 * The GSS panels (2006-2008-2010, 2008-2010-2012, 2010-2012-2014 and 2016/2018-2020): the same
 * people asked the same items two years apart. Values are mapped to the canonical option texts of
 * `gssItems`, whichever file and spelling they come from.
 */
import { type CsvTable, dataFile, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";
import { GSS_DEMOGRAPHICS, type GssCodebook, readGssCodebook } from "../../instruments/gss/index.ts";

export const PANEL_FILES = {
  older: "gss-panel/gss_panel_2006_2014_long.csv",
  newer: "gss-panel/gss_panel_2016_2020_long.csv",
} as const;

export type GssPanelName = "2006" | "2008" | "2010" | "2016";
export const GSS_PANELS: readonly GssPanelName[] = ["2006", "2008", "2010", "2016"];

export interface GssRespondent {
  /** "<panel>-<id in the file>", e.g. "2006-0009" or "2016-20160001". */
  personId: string;
  panel: GssPanelName;
  /** wave ("1" first interview, "2" two years later, "3" four years later) → item → option text. */
  waves: Record<string, Record<string, string>>;
  /** Demographic variables of the first interview (canonical option texts; numbers as digits). */
  demographics: Record<string, string>;
}

/** Per file and item: how many non-empty values map to an option, are missing codes, or match nothing. */
export interface ItemCoverage {
  nonEmpty: number;
  mapped: number;
  missingCodes: number;
  unmapped: Record<string, number>;
}

/** Columns that are keys, weights or bookkeeping rather than answers. */
const NOT_ANSWERS = new Set([
  "panel",
  "firstid",
  "wave",
  "year",
  "samptype",
  "yearid",
  "id",
  "wtssnr",
  "wtssall",
  "wtpannr123",
  "wtpan123",
  "wtpannr12",
  "wtpan12",
]);

const cache = new Map<string, GssRespondent[]>();

/**
 * Respondents of the chosen panels (default: all four), in file order. The 2016-2020 file's
 * first interview is wave "1a" (GSS 2016) or "1b" (GSS 2018); both become wave "1", and the
 * 2020 re-interview becomes wave "2". The result is cached per process: treat it as read-only.
 */
export function loadGssPanel(
  dataDir: string,
  options: { panels?: readonly GssPanelName[] } = {},
): GssRespondent[] {
  const panels = options.panels ?? GSS_PANELS;
  panels.forEach((p, i) => {
    if (!GSS_PANELS.includes(p)) {
      throw new UserError(`unknown GSS panel "${p}" (known: ${GSS_PANELS.join(", ")})`, {
        where: `panels[${i}]`,
      });
    }
  });
  const cacheKey = `${dataDir}\u0000${[...panels].sort().join(",")}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const codebook = readGssCodebook(dataDir);
  const out: GssRespondent[] = [];
  const older: readonly GssPanelName[] = panels.filter((p) => p !== "2016");
  if (older.length > 0) {
    const table = readPanelFile(dataDir, PANEL_FILES.older);
    collect(table, codebook, out, (get) => {
      const panel = get("panel") as GssPanelName;
      if (!older.includes(panel)) return null;
      return { panel, personId: `${panel}-${get("firstid")}`, wave: get("wave") };
    });
  }
  if (panels.includes("2016")) {
    const table = readPanelFile(dataDir, PANEL_FILES.newer);
    collect(table, codebook, out, (get) => {
      const raw = get("wave");
      const wave = raw === "1a" || raw === "1b" ? "1" : raw;
      return { panel: "2016", personId: `2016-${get("yearid")}`, wave };
    });
  }
  cache.set(cacheKey, out);
  return out;
}

/** How well each answer column of each panel file maps onto the codebook's options. */
export function gssPanelCoverage(dataDir: string): Record<"older" | "newer", Record<string, ItemCoverage>> {
  const codebook = readGssCodebook(dataDir);
  const result = { older: {}, newer: {} } as Record<"older" | "newer", Record<string, ItemCoverage>>;
  for (const which of ["older", "newer"] as const) {
    const table = readPanelFile(dataDir, PANEL_FILES[which]);
    table.header.forEach((name, col) => {
      if (NOT_ANSWERS.has(name) || !codebook.variables.has(name)) return;
      const c: ItemCoverage = { nonEmpty: 0, mapped: 0, missingCodes: 0, unmapped: {} };
      for (const row of table.rows) {
        const raw = row[col].trim();
        if (raw === "") continue;
        c.nonEmpty++;
        const k = codebook.classify(name, raw);
        if (k.kind === "option") c.mapped++;
        else if (k.kind === "missing") c.missingCodes++;
        else c.unmapped[raw] = (c.unmapped[raw] ?? 0) + 1;
      }
      result[which][name] = c;
    });
  }
  return result;
}

const tables = new Map<string, CsvTable>();

function readPanelFile(dataDir: string, relative: string): CsvTable {
  const path = dataFile(dataDir, relative, "GSS panel file");
  let table = tables.get(path);
  if (!table) {
    table = readCsv(path);
    tables.set(path, table);
  }
  return table;
}

type RowKey = { panel: GssPanelName; personId: string; wave: string } | null;

function collect(
  table: CsvTable,
  codebook: GssCodebook,
  out: GssRespondent[],
  keyOf: (get: (column: string) => string) => RowKey,
): void {
  const index = new Map<string, number>(table.header.map((h, i) => [h, i]));
  const answerColumns = table.header
    .map((name, col) => ({ name, col }))
    .filter(({ name }) => !NOT_ANSWERS.has(name) && codebook.variables.get(name)?.question);
  const byPerson = new Map<string, GssRespondent>();
  table.rows.forEach((row, r) => {
    const get = (column: string): string => {
      const i = index.get(column);
      if (i === undefined) throw new UserError(`no column "${column}"`, { where: table.file });
      const value = row[i].trim();
      if (value === "") {
        throw new UserError(`empty key column "${column}"`, { where: `${table.file}:${table.lines[r]}` });
      }
      return value;
    };
    const key = keyOf(get);
    if (!key) return;
    let person = byPerson.get(key.personId);
    if (!person) {
      person = { personId: key.personId, panel: key.panel, waves: {}, demographics: {} };
      byPerson.set(key.personId, person);
      out.push(person);
    }
    if (person.waves[key.wave]) {
      throw new UserError(`respondent ${key.personId} has two rows for wave ${key.wave}`, {
        where: `${table.file}:${table.lines[r]}`,
      });
    }
    const answers: Record<string, string> = {};
    for (const { name, col } of answerColumns) {
      const raw = row[col];
      if (raw === "") continue;
      const c = codebook.classify(name, raw);
      if (c.kind === "option") answers[name] = c.value;
    }
    person.waves[key.wave] = answers;
    if (key.wave === "1") {
      for (const d of GSS_DEMOGRAPHICS) if (answers[d] !== undefined) person.demographics[d] = answers[d];
    }
  });
}
