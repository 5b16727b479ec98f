/** Kubernetes resource quantities (`2Gi`, `2560Mi`, `1.5G`, `100m`) as numbers. */

const SUFFIX: Record<string, number> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};
const QUANTITY = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity's value (bytes for memory), or undefined when it is not a Kubernetes quantity. */
export function parseQuantity(text: unknown): number | undefined {
  if (typeof text === "number") return text;
  if (typeof text !== "string") return undefined;
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[2] ?? ""];
}

/** Bytes as a GiB number, 3 decimals at most: 1.5 * 1024^3 -> "1.5" (for PromQL literals). */
export function gibNumber(bytes: number): string {
  return String(Number((bytes / 1024 ** 3).toFixed(3)));
}

/** Bytes as a short GiB figure for messages: 1.5 * 1024^3 -> "1.5 GiB". */
export function formatGiB(bytes: number): string {
  return `${gibNumber(bytes)} GiB`;
}
