/**
 * The SQLite writer thread: owns a second connection to the store's file and commits the large
 * batches the store hands it, so that SQLite's work on them runs on another core while the main
 * thread carries on. WAL lets the main thread's connection read meanwhile.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type BatchRows, openDatabase, Statements, writeRows } from "./batch.ts";

export type WriterRequest = { id: number; rows: BatchRows } | { id: number; close: true };
export interface WriterReply {
  id: number;
  error?: string;
}

const db = openDatabase((workerData as { path: string }).path);
const statements = new Statements(db);
const port = parentPort!;

port.on("message", (request: WriterRequest) => {
  if ("close" in request) {
    statements.clear();
    db.close();
    port.postMessage({ id: request.id } satisfies WriterReply);
    port.close();
    return;
  }
  try {
    writeRows(db, statements, request.rows);
    port.postMessage({ id: request.id } satisfies WriterReply);
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).message } satisfies WriterReply);
  }
});
