import { databaseError, type OpenOptions, openStore, type Store } from "../store/index.ts";

/**
 * Opens the database at `path` for one command and closes it afterwards. A damaged file found at
 * any point (opening it, or a page read half-way through) becomes one line naming the file.
 */
export async function withStore<T>(
  path: string,
  options: OpenOptions,
  use: (store: Store) => Promise<T>,
): Promise<T> {
  const store = openStore(path, options);
  let result: T;
  try {
    result = await use(store);
  } catch (error) {
    await store.close().catch(() => {}); // the first error is the one to report
    throw databaseError(error, path);
  }
  try {
    await store.close();
  } catch (error) {
    throw databaseError(error, path);
  }
  return result;
}
