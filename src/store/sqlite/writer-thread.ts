/**
 * The SQLite writer thread: owns a second connection to the store's file and commits the large
 * batches the store hands it, so that SQLite's work on them runs on another core while the main
 * thread carries on. WAL lets the main thread's connection read meanwhile.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { type BatchRows, openDatabase, rowCount, Statements, writeRows } from "./batch.ts";

export type WriterRequest = { id: number; rows: BatchRows } | { id: number; close: true };
export interface WriterReply {
  id: number;
  error?: string;
}

/**
 * Batches already queued when the thread gets to them are committed together, up to this many
 * rows. Cache keys are hashes, so a paid batch's cache rows land on pages all over that index,
 * and consecutive batches of jobs and responses share their last pages: one transaction for
 * several batches writes each touched page to the WAL once instead of once per batch.
 */
const MERGE_MAX_ROWS = 50_000;

const db = openDatabase((workerData as { path: string }).path);
const statements = new Statements(db);
const port = parentPort!;

port.on("message", (request: WriterRequest) => {
  const batches: { id: number; rows: BatchRows }[] = [];
  let rows = 0;
  let next: WriterRequest | undefined = request;
  while (next && !("close" in next)) {
    batches.push(next);
    rows += rowCount(next.rows);
    next = rows < MERGE_MAX_ROWS ? receiveMessageOnPort(port)?.message : undefined;
  }
  commitAll(batches);
  // A close taken off the queue was sent after the merged batches, so it goes after them.
  if (next) close(next.id);
});

/** One transaction for all; if it fails, each batch alone, so only a bad batch fails. */
function commitAll(batches: { id: number; rows: BatchRows }[]): void {
  if (batches.length === 0) return;
  if (batches.length > 1) {
    try {
      writeRows(db, statements, ...batches.map((b) => b.rows));
      for (const b of batches) port.postMessage({ id: b.id } satisfies WriterReply);
      return;
    } catch {
      // Fall through: commit them one by one to find the bad one.
    }
  }
  for (const b of batches) {
    try {
      writeRows(db, statements, b.rows);
      port.postMessage({ id: b.id } satisfies WriterReply);
    } catch (error) {
      port.postMessage({ id: b.id, error: (error as Error).message } satisfies WriterReply);
    }
  }
}

function close(id: number): void {
  statements.clear();
  db.close();
  port.postMessage({ id } satisfies WriterReply);
  port.close();
}
