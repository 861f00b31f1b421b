import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { UserError } from "../../errors/index.ts";

/**
 * What is checked before SQLite touches a --db path, so that Populace never writes into a file
 * that is not its database (a CSV given by mistake, another program's database) and never hangs
 * on a path that is not a file (a pipe, a device, /proc). Read-only opening is for commands that
 * only read (results, report): they never create a database and work on read-only files.
 */

export interface OpenOptions {
  /** Read only: a missing file is an error, nothing is created or migrated in place. */
  readOnly?: boolean;
}

const SQLITE_HEADER = "SQLite format 3\u0000";
/** Tables every Populace database has (the first migration's, and the migration record). */
const POPULACE_TABLES = ["schema_migrations", "studies", "runs"];

/** SQLite result codes (the primary code is the low byte of an extended one). */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/**
 * The connection of a store: the path checked, then opened read-write (or read-only), then its
 * tables checked. A read-only open of a database whose schema is older than `schemaVersion` is
 * reopened read-write when the file allows, so that the caller can upgrade it (`writable`).
 */
export function openChecked(
  path: string,
  options: OpenOptions,
  schemaVersion: number,
  openWritable: (path: string) => DatabaseSync,
): { db: DatabaseSync; writable: boolean } {
  checkDatabasePath(path, options);
  let db: DatabaseSync | undefined;
  // The read-only connection is forgotten once closed: if the reopening fails, the catch below
  // must not close it again (a second close throws, and would hide why the reopening failed).
  const reopenWritable = () => {
    db?.close();
    db = undefined;
    db = openWritable(path);
    return { db, writable: true };
  };
  try {
    // Tables are looked at through a read-only connection first: opening for writing switches
    // the file to WAL, which is a write to another program's database.
    db = openReadOnly(path);
    checkPopulaceTables(db, path, options);
    if (!options.readOnly) return reopenWritable();
    const version = storedVersion(db);
    if (version > schemaVersion) {
      throw new UserError(
        `database schema version ${version} is newer than this Populace (${schemaVersion}); upgrade Populace`,
        { where: path },
      );
    }
    if (version === schemaVersion) return { db, writable: false };
    if (unwritable(path) ?? unwritable(dirname(resolve(path)))) {
      throw new UserError(
        `database ${path} has schema version ${version} and must be upgraded to ${schemaVersion} before it can be read, but it is read-only; copy it to a writable folder`,
      );
    }
    return reopenWritable();
  } catch (error) {
    db?.close();
    if (error instanceof UserError) throw error;
    if (isCorruption(error)) throw databaseError(error, path);
    throw new UserError(`cannot open database (${(error as Error).message})`, { where: path });
  }
}

function storedVersion(db: DatabaseSync): number {
  const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Checks `path` before it is opened. Refuses, naming the file, anything that is not a SQLite
 * file or a new file's place; for a new database, creates its folder and an empty file (so a
 * folder that does not take files is found here, as one line, not by SQLite).
 */
export function checkDatabasePath(path: string, options: OpenOptions = {}): void {
  if (path === ":memory:") return;
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw pathError(path, error);
    if (options.readOnly)
      throw new UserError(
        `no database at ${path} (run a study into it first: populace run SPEC --db ${path})`,
      );
    createDatabaseFile(path);
    return;
  }
  if (info.isDirectory())
    throw new UserError(
      `${path} is a folder, not a database file; name a file inside it, e.g. ${resolve(path, "populace.db")}`,
    );
  if (!info.isFile())
    throw new UserError(
      `${path} is not a regular file (a device, pipe or socket), so not a Populace database`,
    );
  if (isSystemFile(path)) throw new UserError(`${path} is a system file, not a Populace database`);
  if (info.size === 0)
    throw new UserError(
      `${path} is an empty file, not a Populace database; delete it or name another --db file`,
    );
  if (readHeader(path) !== SQLITE_HEADER) {
    throw new UserError(
      `${path} is not a Populace database (not a SQLite file: a CSV, text or other file?); name another --db file`,
    );
  }
  if (!options.readOnly) {
    const problem = unwritable(path) ?? unwritable(dirname(resolve(path)));
    if (problem) {
      throw new UserError(
        `cannot write to database ${path}: ${problem === path ? "the file is read-only" : `its folder ${problem} is read-only (SQLite writes its journal beside the file)`}`,
      );
    }
  }
}

/**
 * A read-only connection. A database in a read-only folder cannot get the shared-memory file a
 * WAL reader needs, so it is opened as immutable, which is exact only when no write-ahead log
 * holds changes: with one there, the reader says so rather than show stale data.
 */
export function openReadOnly(path: string): DatabaseSync {
  if (path === ":memory:") return new DatabaseSync(path);
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    db.prepare("SELECT COUNT(*) FROM sqlite_master").get();
    return db;
  } catch (error) {
    if (isCorruption(error)) throw error;
    const wal = `${path}-wal`;
    if (existsSync(wal) && statSync(wal).size > 0) {
      throw new UserError(
        `cannot read database ${path}: its folder is read-only and ${wal} holds changes not yet in the file; copy both files to a writable folder`,
      );
    }
    return new DatabaseSync(`${pathToFileURL(resolve(path)).href}?immutable=1`, { readOnly: true });
  }
}

/**
 * After opening: a database with tables but not Populace's belongs to another program and is
 * left alone; an empty one may become a Populace database, unless the command only reads.
 */
export function checkPopulaceTables(db: DatabaseSync, path: string, options: OpenOptions = {}): void {
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  // A new database is made holding only the migration record (see createDatabaseFile).
  const fresh = tables.length === 1 && tables[0] === "schema_migrations";
  if (tables.length === 0 || fresh) {
    if (options.readOnly)
      throw new UserError(`${path} is an empty SQLite database: it holds no Populace runs`);
    return;
  }
  const missing = POPULACE_TABLES.filter((t) => !tables.includes(t));
  if (missing.length > 0) {
    const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? `, … (${tables.length} tables)` : "");
    throw new UserError(
      `${path} is a SQLite database but not Populace's (it has the tables ${shown}, and no ${missing.join(", ")}); name another --db file`,
    );
  }
}

/** Whether an error is SQLite finding the file damaged. */
export function isCorruption(error: unknown): boolean {
  const e = error as { errcode?: number; message?: string };
  const code = typeof e?.errcode === "number" ? e.errcode & 0xff : undefined;
  return (
    code === SQLITE_CORRUPT ||
    code === SQLITE_NOTADB ||
    /database disk image is malformed|file is not a database/.test(String(e?.message))
  );
}

/**
 * The error to show for a failure while using the database at `path`: a damaged file becomes one
 * clear line; anything else is returned as it is.
 */
export function databaseError(error: unknown, path: string): unknown {
  if (error instanceof UserError || !isCorruption(error)) return error;
  const e = error as { errstr?: string; message?: string };
  return new UserError(`database ${path} is corrupted: ${e.errstr ?? e.message}; restore it from a backup`, {
    cause: error,
  });
}

function readHeader(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(16);
    const n = readSync(fd, buffer, 0, 16, 0);
    return buffer.toString("latin1", 0, n);
  } finally {
    closeSync(fd);
  }
}

/** Files of the kernel's pseudo file systems: their sizes say nothing and reading some blocks. */
function isSystemFile(path: string): boolean {
  const real = realpathSync(path);
  return /^\/(proc|sys|dev)(\/|$)/.test(real);
}

/** The path itself if it cannot be written, else undefined. */
function unwritable(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch {
    return path;
  }
}

/**
 * The folders of a new database are made one at a time (a recursive mkdir loops forever on some
 * /proc paths), then the file itself, exclusively: every failure names what is in the way.
 */
function createDatabaseFile(path: string): void {
  const full = resolve(path);
  const missing: string[] = [];
  let dir = dirname(full);
  while (!existsSync(dir)) {
    missing.unshift(dir);
    dir = dirname(dir);
  }
  if (!statSync(dir).isDirectory())
    throw new UserError(`cannot create database ${path}: ${dir} is a file, not a folder`);
  if (isSystemFile(dir)) throw new UserError(`cannot create database ${path}: ${dir} is a system folder`);
  try {
    for (const folder of missing) mkdirSync(folder);
  } catch (error) {
    throw pathError(path, error);
  }
  // The file appears whole: a SQLite database made under another name, then linked into place
  // (which fails if the name was taken meanwhile). Two `populace run` starting together then
  // never see each other's half-made file (an empty file is refused as not a database).
  const temp = `${full}.new-${process.pid}-${Date.now().toString(36)}`;
  try {
    // Made as a plain file first, so a folder that takes no files says why (EACCES, EROFS).
    closeSync(openSync(temp, "wx"));
    const db = new DatabaseSync(temp);
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
    db.close();
    linkSync(temp, full);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST" && existsSync(full)) return;
    throw pathError(path, error);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** The first part of `path` that exists and is a file, not a folder. */
function fileInTheWay(path: string): string | undefined {
  for (let dir = dirname(resolve(path)); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if (statSync(dir).isFile()) return dir;
    } catch {
      // Not there (or not reachable): look further up.
    }
  }
  return undefined;
}

function pathError(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const inTheWay = code === "ENOTDIR" ? fileInTheWay(path) : undefined;
  const why =
    code === "ENOTDIR"
      ? `${inTheWay ?? "a part of the path"} is a file, not a folder`
      : code === "EACCES" || code === "EPERM"
        ? "no permission"
        : code === "EROFS"
          ? "the file system is read-only"
          : code === "ENOENT"
            ? "its folder does not take new files"
            : code === "ENAMETOOLONG"
              ? "the name is too long"
              : code === "ELOOP"
                ? "too many symbolic links"
                : (code ?? String(error));
  return new UserError(`cannot use database ${path}: ${why}`);
}
