import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, test } from "node:test";
import { UserError } from "../../errors/index.ts";
import { openStore, type RunRecord } from "../index.ts";

// Real files of every kind a --db path can name, opened by the real SQLite store.
const dir = mkdtempSync(join(tmpdir(), "populace-open-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const run: RunRecord = {
  id: "r1",
  studyId: "v1",
  studyName: "s",
  modelId: "m",
  modelKind: "llm",
  mode: "generate",
  status: "completed",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  specDir: null,
};

/** The message of the UserError that opening `path` throws. */
function refusal(path: string, readOnly = false): string {
  try {
    const store = openStore(path, { readOnly });
    void store.close();
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    assert.ok(!error.message.includes("\n"), "one line");
    return error.message;
  }
  assert.fail(`${path} was opened`);
}

test("a file that is not a SQLite database is refused, by name, and left byte-identical", () => {
  const files: [string, string | Buffer, RegExp][] = [
    [
      "answers.csv",
      "person_id,item,answer\n1,cappun,Favor\n",
      /is not a Populace database \(not a SQLite file/,
    ],
    ["empty.db", "", /is an empty file, not a Populace database/],
    ["binary.db", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]), /not a SQLite file/],
  ];
  for (const [name, content, message] of files) {
    const path = join(dir, name);
    writeFileSync(path, content);
    for (const readOnly of [false, true]) {
      const text = refusal(path, readOnly);
      assert.match(text, message);
      assert.ok(text.startsWith(path), text);
    }
    assert.deepEqual(readFileSync(path), Buffer.from(content), `${name} untouched`);
    assert.ok(!existsSync(`${path}-wal`) && !existsSync(`${path}-shm`));
  }
});

test("another program's SQLite database is refused; an empty one becomes a store, but not for reading", async () => {
  const other = join(dir, "other.db");
  const db = new DatabaseSync(other);
  db.exec("CREATE TABLE people (id INTEGER); INSERT INTO people VALUES (1)");
  db.close();
  const before = readFileSync(other);
  for (const readOnly of [false, true]) {
    assert.match(
      refusal(other, readOnly),
      /other\.db is a SQLite database but not Populace's \(it has the tables people, and no schema_migrations, studies, runs\)/,
    );
  }
  assert.deepEqual(readFileSync(other), before);

  const created = new DatabaseSync(join(dir, "no-tables.db"));
  created.exec("CREATE TABLE t (a); DROP TABLE t;");
  created.close();
  assert.match(
    refusal(join(dir, "no-tables.db"), true),
    /is an empty SQLite database: it holds no Populace runs/,
  );
  const store = openStore(join(dir, "no-tables.db"));
  await store.saveStudy({ id: "v1", name: "s", spec: {}, createdAt: run.createdAt });
  await store.openRun(run);
  await store.close();
});

test("reading never creates a database; a missing file is an error naming it", () => {
  const missing = join(dir, "missing", "populace.db");
  assert.equal(
    refusal(missing, true),
    `no database at ${missing} (run a study into it first: populace run SPEC --db ${missing})`,
  );
  assert.ok(!existsSync(join(dir, "missing")), "no folder made either");
});

test("unusable paths give one line each, without hanging", () => {
  writeFileSync(join(dir, "plain"), "x");
  mkdirSync(join(dir, "folder"));
  execFileSync("mkfifo", [join(dir, "pipe")]);
  const cases: [string, string][] = [
    [
      join(dir, "plain", "x.db"),
      `cannot use database ${join(dir, "plain", "x.db")}: ${join(dir, "plain")} is a file, not a folder`,
    ],
    [join(dir, "plain", "sub", "x.db"), `${join(dir, "plain")} is a file, not a folder`],
    [join(dir, "folder"), "is a folder, not a database file; name a file inside it"],
    // A pipe would block a reader until a writer comes: it is refused without being opened.
    [join(dir, "pipe"), "is not a regular file (a device, pipe or socket)"],
    ["/dev/null", "is not a regular file"],
    ["/proc/self/status", "/proc/self/status is a system file, not a Populace database"],
    // A recursive mkdir of this path never returned: folders are made one at a time.
    [
      "/proc/sys/populace/x.db",
      "cannot create database /proc/sys/populace/x.db: /proc/sys is a system folder",
    ],
    ["/proc/populace.db", "cannot create database /proc/populace.db: /proc is a system folder"],
  ];
  for (const [path, message] of cases)
    assert.ok(refusal(path).includes(message), `${path}: ${refusal(path)}`);
  assert.ok(statSync(join(dir, "plain")).isFile());
});

test("a corrupted page gives one clear error naming the file, when opened or when read", async () => {
  const path = join(dir, "good.db");
  const store = openStore(path);
  await store.saveStudy({ id: "v1", name: "s", spec: {}, createdAt: run.createdAt });
  await store.openRun(run);
  await store.close();
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16);
  // Page 1 holds the schema: flipping its b-tree header is found when the store opens.
  const first = Buffer.from(bytes);
  for (let i = 100; i < 112; i++) first[i] ^= 0xff;
  writeFileSync(join(dir, "page1.db"), first);
  assert.equal(
    refusal(join(dir, "page1.db")),
    `database ${join(dir, "page1.db")} is corrupted: database disk image is malformed; restore it from a backup`,
  );
  assert.match(refusal(join(dir, "page1.db"), true), /is corrupted: .*; restore it from a backup$/);
  assert.ok(pageSize >= 512);
});

test("a reader holding the file as a new database is opened waits for it, then opens the store", async () => {
  // A new database is made in rollback-journal mode (as createDatabaseFile makes it); the store's
  // switch to WAL needs the file to itself. Another process reads it meanwhile (a user's sqlite3,
  // a test peeking at progress): the open must wait for that reader, not fail.
  const path = join(dir, "held.db");
  const fresh = new DatabaseSync(path);
  fresh.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
  fresh.close();
  const reader = spawn(
    process.execPath,
    [
      "--disable-warning=ExperimentalWarning",
      "--input-type=module",
      "-e",
      `import { DatabaseSync } from "node:sqlite";
       const db = new DatabaseSync(${JSON.stringify(path)});
       db.exec("BEGIN");
       db.prepare("SELECT COUNT(*) FROM schema_migrations").get();
       process.stdout.write("holding\\n");
       setTimeout(() => { db.exec("COMMIT"); db.close(); }, 1500);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const ended = once(reader, "exit");
  await once(reader.stdout!, "data");
  const store = openStore(path);
  try {
    await store.saveStudy({ id: "v1", name: "s", spec: {}, createdAt: run.createdAt });
    await store.openRun({ ...run, id: "held" });
    assert.equal((await store.getRun("held"))?.id, "held");
  } finally {
    await store.close();
    await ended;
  }
});
