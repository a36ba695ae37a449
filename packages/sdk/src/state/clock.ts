/** The time in epoch milliseconds; map entry expiry reads it. Tests pass one they control. */
export type Clock = () => number;

/** The machine's clock. */
export const systemClock: Clock = () => Date.now();
