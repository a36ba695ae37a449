import { InvalidModuleError } from './module-problem';
import type { ModuleProblem } from './module-problem';

/**
 * Gathers the problems of one load, so that a user sees all of them at once instead of fixing
 * a file one error per start. The same problem reported twice (a key read twice) is kept once.
 */
export class ProblemCollector {
  private readonly list: ModuleProblem[] = [];
  private readonly seen = new Set<string>();

  /** True when a problem was reported at exactly this position. */
  hasProblemAt(position: { readonly file: string; readonly line: number; readonly column: number }): boolean {
    return this.list.some((p) => p.file === position.file && p.line === position.line && p.column === position.column);
  }

  add(problem: ModuleProblem): void {
    const key = `${problem.file}\0${problem.line}\0${problem.column}\0${problem.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(problem);
  }

  /** Throws one {@link InvalidModuleError} listing every problem, sorted by file and position. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const order = new Map<string, number>();
    for (const p of this.list) if (!order.has(p.file)) order.set(p.file, order.size);
    const sorted = [...this.list].sort(
      (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column,
    );
    throw new InvalidModuleError(sorted);
  }
}
