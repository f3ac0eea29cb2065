// How aivp writes money: two decimals, four for sums under a cent. Its own module on the ground
// floor, so the no-op fast path prints a summary without loading the engine or the model table.

export function formatUsd(usd: number): string {
  return `$${usd.toFixed(usd !== 0 && usd < 0.01 ? 4 : 2)}`;
}
