/**
 * OPeRA (Wang et al. 2025; the NEU-HAI/OPeRA dataset card) → sessions. The action table has one
 * row per action: session_id, action_id, timestamp, action_type (filtered version: click, input,
 * terminate), click_type, semantic_id (the element's name in the simplified HTML), simplified_html
 * (the page before the action), rationale, input_text, … The user table has user_id and survey
 * (a JSON string). Both ship as parquet; export them to JSON Lines (one row a line) to import.
 */
import { readJsonl } from "../data/index.ts";
import { UserError } from "../errors/index.ts";
import type { Session, SessionStep } from "./session.ts";

export interface OperaImport {
  sessions: Session[];
  /** user id → persona text from their survey (when a user table is given). */
  personas: Map<string, string>;
  /** Rows of the full version's other action types (scroll, navigation, tab_activate), left out. */
  skipped: Record<string, number>;
}

type Row = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

/** The dataset card: session_id is `{user_id}_{start_time}_{end_time}`. */
export function operaUser(sessionId: string): string {
  const at = sessionId.indexOf("_");
  return at > 0 ? sessionId.slice(0, at) : sessionId;
}

/** A survey's answers as first-person persona lines ("age: 25-34"), nested keys joined by ".". */
export function surveyPersona(survey: unknown): string {
  const lines: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (v === null || v === undefined || v === "") return;
    if (Array.isArray(v)) {
      const flat = v.every((x) => typeof x !== "object" || x === null);
      if (flat) lines.push(`${path}: ${v.filter((x) => x !== null && x !== "").join(", ")}`);
      else for (const [i, x] of v.entries()) walk(x, `${path}[${i + 1}]`);
      return;
    }
    if (typeof v === "object") {
      for (const [k, x] of Object.entries(v as Row)) walk(x, path ? `${path}.${k}` : k);
      return;
    }
    lines.push(`${path}: ${String(v).trim()}`);
  };
  walk(survey, "");
  return lines.length
    ? `About me, from my answers to a survey:\n${lines.map((l) => `- ${l}`).join("\n")}`
    : "";
}

export function importOpera(actionsPath: string, usersPath?: string): OperaImport {
  const bySession = new Map<string, { row: Row; line: number }[]>();
  const skipped: Record<string, number> = {};
  for (const { line, value } of readJsonl(actionsPath)) {
    const where = `${actionsPath}:${line}`;
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw new UserError("expected one action row (a JSON object)", { where });
    const row = value as Row;
    const session = str(row.session_id).trim();
    if (!session) throw new UserError("session_id is missing", { where });
    const type = str(row.action_type);
    if (!["click", "input", "terminate"].includes(type)) {
      if (!type) throw new UserError("action_type is missing", { where });
      skipped[type] = (skipped[type] ?? 0) + 1;
      continue;
    }
    const list = bySession.get(session) ?? [];
    if (list.length === 0) bySession.set(session, list);
    list.push({ row, line });
  }
  const sessions: Session[] = [];
  for (const [id, rows] of bySession) {
    // In time order; rows with equal (or no) timestamps keep their order in the file.
    const ordered = rows
      .map((r, i) => ({ ...r, i, t: Date.parse(str(r.row.timestamp)) }))
      .sort((a, b) => (Number.isNaN(a.t) || Number.isNaN(b.t) || a.t === b.t ? a.i - b.i : a.t - b.t));
    const purchase = new Set<string>();
    const steps: SessionStep[] = ordered.map(({ row, line }) => {
      const where = `${actionsPath}:${line}`;
      const context = str(row.simplified_html);
      if (!context.trim())
        throw new UserError("simplified_html is empty: the page before the action is needed", { where });
      const type = str(row.action_type);
      const target = str(row.semantic_id).trim();
      if (type !== "terminate" && !target)
        throw new UserError(`a ${type} row needs semantic_id (the element acted on)`, { where });
      if (type === "click" && str(row.click_type) === "purchase") purchase.add(target);
      const reasoning = str(row.rationale).trim();
      const action =
        type === "terminate"
          ? { type: "terminate" as const }
          : type === "input"
            ? { type: "type_and_submit" as const, target, text: str(row.input_text) }
            : { type: "click" as const, target };
      return { context, action, ...(reasoning ? { reasoning } : {}) };
    });
    sessions.push({ session: id, user: operaUser(id), steps, purchase_targets: [...purchase] });
  }
  const personas = new Map<string, string>();
  if (usersPath) {
    for (const { line, value } of readJsonl(usersPath)) {
      const row = (value ?? {}) as Row;
      const user = str(row.user_id).trim();
      if (!user) throw new UserError("user_id is missing", { where: `${usersPath}:${line}` });
      let survey: unknown = row.survey;
      if (typeof survey === "string" && survey.trim() !== "") {
        try {
          survey = JSON.parse(survey);
        } catch {
          throw new UserError("survey is not a JSON string", { where: `${usersPath}:${line}` });
        }
      }
      const persona = surveyPersona(survey);
      if (persona) personas.set(user, persona);
    }
  }
  return { sessions, personas, skipped };
}
