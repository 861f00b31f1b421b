export { type CsvTable, column, csvField, csvLine, parseCsv, readCsv, records } from "./csv.ts";
export { dataFile, projectRoot, resolveDataDir } from "./dir.ts";
export { isMissingValue, parseNumber } from "./number.ts";
