import { z } from "zod";

/** Names a study, item or arm: letters, digits and _ . : - (they appear in job ids and file names). */
export const id = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[A-Za-z0-9_.:-]+$/, "use letters, digits, _ . : - only");
