/**
 * Human play of economic games in the data directory (econ-games/PROVENANCE.txt): MobLab
 * dictator and ultimatum (strategy method) players from Mei et al. 2024, and Heffner &
 * FeldmanHall 2022's ultimatum responders, prisoner's dilemma and public goods players. Each
 * decision's value is on one scale: a share of the endowment (0–1), or 1/0 for a binary choice.
 */
import { type CsvTable, dataFile, readCsv } from "../../data/index.ts";
import { UserError } from "../../errors/index.ts";

export interface HumanDecision {
  person: string;
  /** Round or trial number (1 when the data have no rounds). */
  round: number;
  value: number;
  /** The partner's move the person saw, on the same scale (Heffner: offers and contributions). */
  partner?: number;
}

export interface HumanGameInfo {
  file: string;
  /** The game of src/instruments/games and the role these people played. */
  game: "dictator" | "ultimatum" | "prisoners_dilemma" | "public_goods";
  role: "dictator" | "proposer" | "responder" | "player";
  /** What `value` is. */
  measure: string;
  /** What `partner` is, when the data have it. */
  partner?: string;
  description: string;
}

export const HUMAN_GAMES = {
  "moblab-dictator": {
    file: "econ-games/moblab-mei2024/dictator.csv",
    game: "dictator",
    role: "dictator",
    measure: "share of the pie given",
    description: "MobLab dictators (Mei et al. 2024), rounds of repeated play; pies of size 0 are left out",
  },
  "moblab-ultimatum-proposer": {
    file: "econ-games/moblab-mei2024/ultimatum_strategy.csv",
    game: "ultimatum",
    role: "proposer",
    measure: "share of the pie offered",
    description: "MobLab ultimatum proposers (strategy method; Mei et al. 2024); -1 (no answer) left out",
  },
  "moblab-ultimatum-responder": {
    file: "econ-games/moblab-mei2024/ultimatum_strategy.csv",
    game: "ultimatum",
    role: "responder",
    measure: "smallest share of the pie accepted",
    description: "MobLab ultimatum responders (strategy method; Mei et al. 2024); -1 (no answer) left out",
  },
  "heffner-ultimatum-responder": {
    file: "econ-games/heffner2022-ug-pd-pgg/ug_data.csv",
    game: "ultimatum",
    role: "responder",
    measure: "accepted (1) or rejected (0) the offer",
    partner: "share of the pie offered",
    description: "Heffner & FeldmanHall 2022 responders, 20 offers each (50%–5% of the pie)",
  },
  "heffner-pd": {
    file: "econ-games/heffner2022-ug-pd-pgg/pd_data.csv",
    game: "prisoners_dilemma",
    role: "player",
    measure: "cooperated (1: gave half or more of the stake to the common pot) or defected (0)",
    partner: "share of the stake the partner gave, seen before choosing",
    description: "Heffner & FeldmanHall 2022, 22 trials per person, the partner's contribution shown first",
  },
  "heffner-public-goods": {
    file: "econ-games/heffner2022-ug-pd-pgg/pgg_data.csv",
    game: "public_goods",
    role: "player",
    measure: "share of the stake contributed",
    partner: "mean share the 3 partners contributed, seen before choosing",
    description: "Heffner & FeldmanHall 2022 public goods, groups of 4, the partners' total shown first",
  },
} as const satisfies Record<string, HumanGameInfo>;

export type HumanGameName = keyof typeof HUMAN_GAMES;

export interface HumanGameData {
  name: HumanGameName;
  info: HumanGameInfo;
  decisions: HumanDecision[];
  /** Rows left out, by reason (never silently). */
  dropped: Record<string, number>;
}

function columns(t: CsvTable, names: string[]): number[] {
  return names.map((n) => {
    const i = t.header.indexOf(n);
    if (i < 0)
      throw new UserError(`no column "${n}" (columns: ${t.header.join(", ")})`, { where: `${t.file}:1` });
    return i;
  });
}

function number(t: CsvTable, r: number, i: number): number {
  const v = Number(t.rows[r][i]);
  if (t.rows[r][i].trim() === "" || !Number.isFinite(v))
    throw new UserError(`"${t.rows[r][i]}" is not a number`, {
      where: `${t.file}:${t.lines[r]}, column ${t.header[i]}`,
    });
  return v;
}

/** Read one human game data set; names are the keys of HUMAN_GAMES. */
export function readHumanGame(dataDir: string, name: HumanGameName): HumanGameData {
  const info: HumanGameInfo = HUMAN_GAMES[name];
  if (!info)
    throw new UserError(
      `unknown human game data "${name}" (choose from ${Object.keys(HUMAN_GAMES).join(", ")})`,
    );
  const t = readCsv(dataFile(dataDir, info.file, `the ${name} data`));
  const decisions: HumanDecision[] = [];
  const dropped: Record<string, number> = {};
  const drop = (reason: string) => {
    dropped[reason] = (dropped[reason] ?? 0) + 1;
  };
  if (name === "moblab-dictator") {
    const [user, role, round, total, move] = columns(t, ["UserID", "Role", "Round", "Total", "move"]);
    t.rows.forEach((row, r) => {
      if (row[role] !== "first") {
        drop("recipient rows (no move)");
        return;
      }
      const pie = number(t, r, total);
      if (pie <= 0) {
        drop("pie of size 0");
        return;
      }
      decisions.push({ person: row[user], round: number(t, r, round), value: number(t, r, move) / pie });
    });
  } else if (name === "moblab-ultimatum-proposer" || name === "moblab-ultimatum-responder") {
    const [user, round, total, value] = columns(t, [
      "UserID",
      "Round",
      "Total",
      name === "moblab-ultimatum-proposer" ? "propose" : "accept",
    ]);
    t.rows.forEach((row, r) => {
      const v = number(t, r, value);
      if (v < 0) {
        drop("no answer (-1)");
        return;
      }
      decisions.push({ person: row[user], round: number(t, r, round), value: v / number(t, r, total) });
    });
  } else if (name === "heffner-ultimatum-responder") {
    const [sub, trial, unfair, choice] = columns(t, ["sub", "trial", "unfairness", "choice"]);
    t.rows.forEach((row, r) => {
      // unfairness is what the proposer kept of 1; choice 1 is a rejection.
      decisions.push({
        person: row[sub],
        round: number(t, r, trial),
        value: 1 - number(t, r, choice),
        partner: Math.round((1 - number(t, r, unfair)) * 100) / 100,
      });
    });
  } else if (name === "heffner-pd") {
    const [sub, trial, partner, binary] = columns(t, [
      "sub",
      "trial",
      "partner_contribution",
      "sub_contribution_binary",
    ]);
    t.rows.forEach((row, r) => {
      const b = row[binary];
      if (b !== "cooperate" && b !== "defect")
        throw new UserError(`expected cooperate or defect, got "${b}"`, { where: `${t.file}:${t.lines[r]}` });
      decisions.push({
        person: row[sub],
        round: number(t, r, trial),
        value: b === "cooperate" ? 1 : 0,
        partner: number(t, r, partner),
      });
    });
  } else {
    const [sub, trial, partners, own] = columns(t, [
      "sub",
      "trial",
      "partners_contribution",
      "sub_contribution",
    ]);
    t.rows.forEach((row, r) => {
      decisions.push({
        person: row[sub],
        round: number(t, r, trial),
        value: number(t, r, own),
        partner: Math.round((number(t, r, partners) / 3) * 1000) / 1000,
      });
    });
  }
  return { name, info, decisions, dropped };
}
