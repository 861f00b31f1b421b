import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, test } from "node:test";
import { resolveDataDir } from "../data/index.ts";

// The CLI as a user runs it, on real files: a CSV, a database on a read-only folder, a database
// with a damaged page, paths that are not files.
const bin = resolve(import.meta.dirname, "../../bin/populace");
const main = resolve(import.meta.dirname, "main.ts");
const dir = mkdtempSync(join(tmpdir(), "populace-db-"));
after(() => {
  chmodSync(join(dir, "locked"), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Permissions do not bind root, so as root the "no permission" cases run as the user nobody. It
 * keeps the right to read and search any folder (CAP_DAC_READ_SEARCH, not the right to write): a
 * checkout may sit in a folder only root can enter (CI clones into `mktemp -d`, mode 0700). That
 * right does not hold for access(2), which existsSync uses, so the data directory is passed by its
 * real path (CI links `shared/` beside the clone).
 */
const dataDir = realpathSync(resolveDataDir());
const asNobody =
  process.getuid?.() === 0
    ? [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=+dac_read_search",
        "--ambient-caps=+dac_read_search",
      ]
    : null;

function populace(args: string[], options: { unprivileged?: boolean } = {}) {
  const [command, argv] =
    options.unprivileged && asNobody
      ? // bin/populace finds its Node with `[ -x ]`, which is access(2): nobody runs this one directly.
        ["setpriv", [...asNobody, process.execPath, "--disable-warning=ExperimentalWarning", main, ...args]]
      : [bin, args];
  return spawnSync(command, argv, {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000, // a hang fails the test instead of blocking it
    env: { ...process.env, POPULACE_DEBUG: "", POPULACE_DATA_DIR: dataDir },
  });
}

function expectOneLine(r: ReturnType<typeof populace>, message: string | RegExp) {
  assert.equal(r.signal, null, "finished without being killed");
  assert.equal(r.status, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  if (typeof message === "string") assert.ok(lines[0].includes(message), lines[0]);
  else assert.match(lines[0], message);
}

const spec = join(dir, "gss.yaml");
const db = join(dir, "good.db");
before(() => {
  chmodSync(dir, 0o755); // readable by the unprivileged user
  writeFileSync(
    spec,
    "name: gss\npopulation: {source: agent-bank, n: 30}\ninstrument:\n  items: [{gss: cappun}, {gss: grass}]\n",
  );
  const run = populace(["run", spec, "--db", db]);
  assert.equal(run.status, 0, run.stderr);
});

test("results and report on a CSV leave it byte-identical and exit 2", () => {
  const csv = join(dir, "answers.csv");
  writeFileSync(csv, "person_id,item,answer\n1,cappun,Favor\n");
  const before = readFileSync(csv);
  for (const command of ["results", "report", "run"]) {
    const args = command === "run" ? ["run", spec, "--db", csv] : [command, "--db", csv];
    expectOneLine(populace(args), `${csv} is not a Populace database (not a SQLite file`);
  }
  assert.deepEqual(readFileSync(csv), before);
  assert.ok(!existsSync(`${csv}-wal`));
  // An empty file used to become a 100 KB SQLite database.
  const empty = join(dir, "empty.csv");
  writeFileSync(empty, "");
  expectOneLine(populace(["results", "--db", empty]), `${empty} is an empty file, not a Populace database`);
  assert.equal(readFileSync(empty).length, 0);
});

test("results and report never create a database", () => {
  for (const command of ["results", "report"]) {
    expectOneLine(populace([command, "--db", "nothing.db"]), "no database at nothing.db");
  }
  assert.ok(!existsSync(join(dir, "nothing.db")));
});

test("unusable --db paths: one line each, no hang", () => {
  writeFileSync(join(dir, "plain.txt"), "x");
  mkdirSync(join(dir, "folder"));
  expectOneLine(
    populace(["run", spec, "--db", "plain.txt/x.db"]),
    `${join(dir, "plain.txt")} is a file, not a folder`,
  );
  expectOneLine(populace(["results", "--db", "folder"]), "folder is a folder, not a database file");
  expectOneLine(populace(["run", spec, "--db", "/proc/sys/populace/x.db"]), "/proc/sys is a system folder");
  expectOneLine(
    populace(["report", "--db", "/proc/self/status"]),
    "is a system file, not a Populace database",
  );
  mkdirSync(join(dir, "locked"));
  chmodSync(join(dir, "locked"), 0o555);
  expectOneLine(
    populace(["run", spec, "--db", "locked/new.db"], { unprivileged: true }),
    "cannot use database locked/new.db: no permission",
  );
});

test("a read-only database in a read-only folder opens read-only for results and report", () => {
  const folder = join(dir, "archive");
  mkdirSync(folder);
  writeFileSync(join(folder, "old.db"), readFileSync(db));
  chmodSync(join(folder, "old.db"), 0o444);
  chmodSync(folder, 0o555);
  try {
    const results = populace(["results", "--db", join(folder, "old.db")], { unprivileged: true });
    assert.equal(results.status, 0, results.stderr);
    assert.equal(results.stdout.trim().split("\n").length, 1 + 60);
    const report = populace(["report", "--db", join(folder, "old.db"), "--json"], { unprivileged: true });
    assert.equal(report.status, 0, report.stderr);
    assert.equal(JSON.parse(report.stdout).jobs.ok, 60);
    // run has to write: it says so instead of failing half-way.
    expectOneLine(
      populace(["run", spec, "--db", join(folder, "old.db")], { unprivileged: true }),
      `cannot write to database ${join(folder, "old.db")}: the file is read-only`,
    );
  } finally {
    chmodSync(folder, 0o755);
  }
});

test("a corrupted page: one clear error from every command, and no partial export", () => {
  const damaged = join(dir, "damaged.db");
  writeFileSync(damaged, readFileSync(db));
  const look = new DatabaseSync(damaged, { readOnly: true });
  const { rootpage } = look.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'responses'").get() as {
    rootpage: number;
  };
  const pageSize = (look.prepare("PRAGMA page_size").get() as { page_size: number }).page_size;
  look.close();
  const bytes = readFileSync(damaged);
  // Flip the bits of the responses table's b-tree page header: found only when it is read.
  for (let i = 0; i < 12; i++) bytes[(rootpage - 1) * pageSize + i] ^= 0xff;
  writeFileSync(damaged, bytes);
  const message = `database damaged.db is corrupted: database disk image is malformed; restore it from a backup`;
  const out = join(dir, "export.csv");
  writeFileSync(out, "the previous export\n");
  expectOneLine(populace(["results", "--db", "damaged.db", "--out", out]), message);
  assert.equal(readFileSync(out, "utf8"), "the previous export\n", "the old export is left whole");
  expectOneLine(populace(["report", "--db", "damaged.db"]), message);
  expectOneLine(populace(["run", spec, "--db", "damaged.db"]), message);
});
